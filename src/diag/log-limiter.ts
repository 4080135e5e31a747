import { log } from './log.js';

export type LimitedLevel = 'error' | 'warn' | 'info' | 'debug';

interface Cause {
  lastEmit: number;
  suppressed: number;
  lastLine: string;
  level: LimitedLevel;
  timer: NodeJS.Timeout | undefined;
}

export interface LogLimiterOptions {
  /** At most one line per cause per interval, ms. @default 60000 */
  intervalMillis?: number;
  /** Distinct causes tracked; lines of further causes share one. @default 64 */
  maxCauses?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

const OVERFLOW = '\0other';

/**
 * At most one log line per cause per interval, with counts: the first line of a cause is printed
 * at once; later ones within the interval are counted, and the last of them is printed when the
 * interval ends, with how many lines it stands for. Why: a collector answering every export with
 * the same complaint (partial success, a refused connection) printed one line per export call,
 * several a second, for as long as the trouble lasted (issue #20, item 5).
 */
export class LogLimiter {
  private readonly _interval: number;
  private readonly _max: number;
  private readonly _now: () => number;
  private readonly _causes = new Map<string, Cause>();

  constructor(options: LogLimiterOptions = {}) {
    this._interval = options.intervalMillis ?? 60_000;
    this._max = options.maxCauses ?? 64;
    this._now = options.now ?? (() => Date.now());
  }

  /** Logs `line` now, or counts it when its cause already printed a line within the interval. */
  log(level: LimitedLevel, cause: string, line: string): void {
    let key = cause;
    if (!this._causes.has(key) && this._causes.size >= this._max) key = OVERFLOW;
    const c = this._causes.get(key);
    const now = this._now();
    if (c === undefined) {
      this._causes.set(key, { lastEmit: now, suppressed: 0, lastLine: line, level, timer: undefined });
      log[level](line);
      return;
    }
    c.lastLine = line;
    c.level = level;
    c.suppressed++;
    if (now - c.lastEmit >= this._interval) {
      this._emit(c, now);
      return;
    }
    if (c.timer === undefined) {
      c.timer = setTimeout(
        () => {
          c.timer = undefined;
          if (c.suppressed > 0) this._emit(c, this._now());
        },
        c.lastEmit + this._interval - now,
      );
      c.timer.unref();
    }
  }

  /**
   * Prints what is still counted (at shutdown), then forgets every cause. `atLeast`: a cause held
   * back fewer times than that is forgotten unprinted (its line, said already, would only repeat).
   */
  flush(atLeast = 1): void {
    for (const c of this._causes.values()) {
      if (c.timer) clearTimeout(c.timer);
      c.timer = undefined;
      if (c.suppressed >= atLeast) this._emit(c, this._now());
    }
    this._causes.clear();
  }

  private _emit(c: Cause, now: number): void {
    // `suppressed` counts the lines since the last one printed, this one included.
    const count = c.suppressed;
    const secs = Math.max(1, Math.round((now - c.lastEmit) / 1000));
    if (c.timer) clearTimeout(c.timer);
    c.timer = undefined;
    log[c.level](count > 1 ? `${c.lastLine} (${count} such lines in the last ${secs} s)` : c.lastLine);
    c.suppressed = 0;
    c.lastEmit = now;
  }
}
