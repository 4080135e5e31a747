import { log } from '../diag.js';
import { redactUrl } from '../redaction/url.js';
import { classifyExportError, describeExportError } from './export-errors.js';
import type { ExportCounters } from './stats.js';

export interface DropReporterOptions {
  /** Collector address named in the warnings (credentials are scrubbed before printing). */
  endpoint?: string;
  /** At most one warning line per kind (drops, failures) per interval, ms. @default 60000 */
  intervalMillis?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

interface Window {
  count: number;
  since: number;
  lastEmit: number;
}

const spans = (n: number) => `${groupThousands(n)} span${n === 1 ? '' : 's'}`;

/**
 * `12345` → `12,345`, as `Intl.NumberFormat('en-US')` writes a count. Not Intl itself: creating
 * a NumberFormat loads ICU's locale data, ~15 ms, and this module is loaded at start-up.
 */
export function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Turns span loss into log lines, so nothing is lost silently (upstream only logs at `diag` level,
 * which is off by default). The first loss after a quiet interval is reported at once; later ones
 * are summed and reported when the interval has passed:
 * `[@acme/otel] dropped 12,345 spans in the last 60 s: export queue full (collector unreachable at …)`.
 */
export class DropReporter {
  private readonly _endpoint: string | undefined;
  private readonly _interval: number;
  private readonly _now: () => number;
  private readonly _drops: Window = { count: 0, since: 0, lastEmit: Number.NEGATIVE_INFINITY };
  private readonly _failures: Window = { count: 0, since: 0, lastEmit: Number.NEGATIVE_INFINITY };
  private _lastError: unknown;
  private _timer: NodeJS.Timeout | undefined;
  private _closed = false;

  constructor(
    private readonly _stats: ExportCounters,
    options: DropReporterOptions = {},
  ) {
    this._endpoint = options.endpoint === undefined ? undefined : redactUrl(options.endpoint);
    this._interval = options.intervalMillis ?? 60_000;
    this._now = options.now ?? Date.now;
  }

  /** Spans dropped because the queue was full. Cheap: called from `onEnd`. */
  recordDrop(count: number): void {
    this._record(this._drops, count);
  }

  /** Spans whose export failed after every retry. */
  recordFailure(count: number, error: unknown): void {
    this._lastError = error;
    this._record(this._failures, count);
  }

  /** Notes the latest export error (even one that was retried) for the drop reason. */
  noteError(error: unknown): void {
    this._lastError = error;
  }

  private _record(w: Window, count: number): void {
    if (this._closed || count <= 0) return;
    if (w.count === 0) w.since = this._now();
    w.count += count;
    if (this._now() - w.lastEmit >= this._interval) this._flush();
    else this._arm();
  }

  /** Arms one unref'ed timer for the earliest pending line. */
  private _arm(): void {
    if (this._timer || this._closed) return;
    let due = Number.POSITIVE_INFINITY;
    for (const w of [this._drops, this._failures])
      if (w.count > 0) due = Math.min(due, w.lastEmit + this._interval);
    if (due === Number.POSITIVE_INFINITY) return;
    this._timer = setTimeout(
      () => {
        this._timer = undefined;
        this._flush();
      },
      Math.max(0, due - this._now()),
    );
    this._timer.unref();
  }

  private _reason(): string {
    const where = this._endpoint ? ` at ${this._endpoint}` : '';
    switch (classifyExportError(this._lastError)) {
      case 'unreachable':
        return `collector unreachable${where}`;
      case 'timeout':
        return `collector not answering in time${where}`;
      case 'rejected':
        return `export failing${where}: ${describeExportError(this._lastError)}`;
      default:
        return `spans produced faster than they are exported${where}`;
    }
  }

  private _window(w: Window): string {
    const secs = Math.round((this._now() - w.since) / 1000);
    return secs >= 1 ? ` in the last ${secs} s` : '';
  }

  /** Emits the pending lines (if any) now. */
  private _flush(): void {
    const now = this._now();
    if (this._drops.count > 0 && now - this._drops.lastEmit >= this._interval) {
      log.warn(
        `dropped ${spans(this._drops.count)}${this._window(this._drops)}: export queue full (${this._reason()})`,
      );
      this._drops.count = 0;
      this._drops.lastEmit = now;
    }
    if (this._failures.count > 0 && now - this._failures.lastEmit >= this._interval) {
      log.warn(
        `failed to export ${spans(this._failures.count)}${this._window(this._failures)}` +
          `${this._endpoint ? ` to ${this._endpoint}` : ''}: ${describeExportError(this._lastError)}`,
      );
      this._failures.count = 0;
      this._failures.lastEmit = now;
    }
    this._arm();
  }

  /** Stops the timer; prints one summary line when anything was lost during the process's life. */
  shutdown(): void {
    if (this._closed) return;
    this._closed = true;
    if (this._timer) clearTimeout(this._timer);
    this._timer = undefined;
    const { exported, dropped, failed } = this._stats;
    if (dropped === 0 && failed === 0) return;
    const parts: string[] = [];
    if (dropped > 0) parts.push(`${spans(dropped)} dropped (queue full)`);
    if (failed > 0) parts.push(`${spans(failed)} failed to export`);
    log.warn(
      `export summary at shutdown: ${parts.join(', ')}, ${spans(exported)} exported` +
        (this._lastError === undefined ? '' : `; last error: ${describeExportError(this._lastError)}`),
    );
  }
}
