import type { ExportResult } from '@opentelemetry/core';
import { LogLimiter, log } from '../diag/index.js';
import { groupThousands } from '../util/group-thousands.js';
import { type CollectorNaming, collectorCause, collectorNaming, withHint } from './collector-cause.js';
import {
  classifyExportError,
  describeExportError,
  isRetryableExportError,
  PartialSuccessError,
  ShutdownLossError,
  UnencodableSpanError,
} from './export-errors.js';
import type { ExportCounters } from './stats.js';

export interface DropReporterOptions {
  /** Collector address named in the warnings (credentials are scrubbed before printing). */
  endpoint?: string;
  /** At most one warning line per kind and cause per interval, ms. @default 60000 */
  intervalMillis?: number;
  /**
   * The first line of a kind comes this long after its first loss, with the count so far (not
   * "dropped 1 span" at once and the real count a minute later). @default 2000
   */
  firstReportMillis?: number;
  /** An export call without an answer for this long makes the collector "not answering", ms. @default 1000 */
  hungAfterMillis?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
  /**
   * Said after a collector unreachable or not answering: a proxy variable OTLP/HTTP does not use
   * (pipeline.ts). Such an endpoint may be reachable only through the proxy.
   */
  unreachableNote?: string;
}

/** Told of every export call (each attempt, retries included) and its result. */
export interface ExportObserver {
  /** Called as a call starts; the returned function is called with its result. */
  attemptStarted(): (result: ExportResult) => void;
}

interface Window {
  count: number;
  since: number;
  lastEmit: number;
}

/** The kinds of loss lines: a full queue, another drop cause, failed exports, partial success. */
type LossKind = 'dropped' | 'other' | 'failed' | 'rejected';

const spans = (n: number) => `${groupThousands(n)} span${n === 1 ? '' : 's'}`;

/**
 * Turns span loss into log lines, so nothing is lost silently (upstream only logs at `diag` level,
 * which is off by default), and names the cause as it is at the time:
 * `[@acme/otel] dropped 12,345 spans in the last 2 s: export queue full (collector unreachable at …: ECONNREFUSED)`.
 *
 * - The first line of each kind (dropped, failed, rejected) comes `firstReportMillis` after its
 *   first loss, with the count so far; later ones at most once per interval (issue #20, item 5).
 * - Export calls are observed as they happen, so a collector that refuses, hangs or answers with
 *   an error is reported `firstReportMillis` after the first failed call, before a span is lost.
 * - The cause: the last call's error (unreachable with its code, not answering, too large,
 *   rejecting); a call in flight with no answer for `hungAfterMillis`; else, with calls
 *   succeeding, spans produced faster than they are exported.
 */
export class DropReporter implements ExportObserver {
  private readonly _endpoint: string | undefined;
  private readonly _interval: number;
  private readonly _first: number;
  private readonly _hungAfter: number;
  private readonly _now: () => number;
  private readonly _drops: Window = { count: 0, since: 0, lastEmit: Number.NEGATIVE_INFINITY };
  private readonly _failures: Window = { count: 0, since: 0, lastEmit: Number.NEGATIVE_INFINITY };
  private readonly _rejected: Window = { count: 0, since: 0, lastEmit: Number.NEGATIVE_INFINITY };
  /** Drops for another cause than a full queue (`recordDrop(n, cause)`): the last cause given, and how many in all. */
  private readonly _otherDrops: Window = { count: 0, since: 0, lastEmit: Number.NEGATIVE_INFINITY };
  private _otherDropCause = '';
  private _otherDropTotal = 0;
  private readonly _trouble: LogLimiter;
  /** The last call's error; undefined once a call succeeds. */
  private _currentError: unknown;
  /** The last error that was a real cause (kept across successes, for the shutdown summary). */
  private _lastError: unknown;
  private _failureError: unknown;
  private _rejectMessage = '';
  /** Start times of calls in flight. */
  private readonly _inFlight = new Set<{ at: number }>();
  private _troubleTimer: NodeJS.Timeout | undefined;
  private _hungTimer: NodeJS.Timeout | undefined;
  private _timer: NodeJS.Timeout | undefined;
  private _closed = false;
  private readonly _naming: CollectorNaming;
  /** Loss lines printed so far, and the spans they counted by kind: the summary repeats no single line. */
  private _lossLines = 0;
  private readonly _said: Record<LossKind, number> = { dropped: 0, other: 0, failed: 0, rejected: 0 };
  /** Drops the exit path's loss line names (`saidAtExit`). */
  private _saidAtExit = 0;

  constructor(
    private readonly _stats: ExportCounters,
    options: DropReporterOptions = {},
  ) {
    this._naming = collectorNaming(options.endpoint, options.unreachableNote);
    this._endpoint = this._naming.endpoint;
    this._interval = options.intervalMillis ?? 60_000;
    this._first = Math.min(options.firstReportMillis ?? 2_000, this._interval);
    this._hungAfter = options.hungAfterMillis ?? 1_000;
    this._now = options.now ?? (() => Date.now());
    this._trouble = new LogLimiter({ intervalMillis: this._interval, now: this._now });
  }

  /**
   * Spans dropped because the queue was full, or for `cause` when that is another reason (spans
   * of worker threads the main thread did not take in time). Cheap: called from `onEnd`.
   */
  recordDrop(count: number, cause?: string): void {
    if (cause === undefined) {
      this._record(this._drops, count);
      return;
    }
    this._otherDropCause = cause;
    this._otherDropTotal += count;
    this._record(this._otherDrops, count);
  }

  /**
   * `count` spans counted dropped in the stats are named, with their cause, by the loss line at
   * exit (worker threads' spans that never reached the main thread): the summary does not repeat them.
   */
  saidAtExit(count: number): void {
    this._saidAtExit += count;
  }

  /** Spans whose export failed after every retry (or were still queued when shutdown's time ran out). */
  recordFailure(count: number, error: unknown): void {
    this._failureError = error;
    if (error !== undefined && !(error instanceof ShutdownLossError)) this._lastError = error;
    this._record(this._failures, count);
  }

  /** Spans the collector accepted but rejected (`partial_success`), or a warning with 0 rejected. */
  recordRejected(error: PartialSuccessError): void {
    this._rejectMessage = error.errorMessage || 'no message';
    if (error.rejectedSpans > 0) {
      this._lastError = error;
      this._record(this._rejected, error.rejectedSpans);
    } else {
      this._trouble.log(
        'warn',
        'partial-warning',
        `collector${this._at()} accepted spans with a warning: ${this._rejectMessage}`,
      );
    }
  }

  /** Notes the latest export error (even one that was retried) for the drop reason. */
  noteError(error: unknown): void {
    if (error === undefined) return;
    this._currentError = error;
    this._lastError = error;
  }

  attemptStarted(): (result: ExportResult) => void {
    const call = { at: this._now() };
    this._inFlight.add(call);
    this._armHungCheck();
    return (result) => {
      this._inFlight.delete(call);
      if (result.code === 0) {
        this._currentError = undefined;
        return;
      }
      this.noteError(result.error);
      // Told promptly, but only if the trouble lasts: one refused call during a restart is not news.
      if (this._troubleTimer === undefined && !this._closed) {
        this._troubleTimer = setTimeout(() => {
          this._troubleTimer = undefined;
          if (this._currentError !== undefined) this._reportTrouble(this._currentError);
        }, this._first);
        this._troubleTimer.unref();
      }
    };
  }

  /**
   * A hung collector fails no call until the call's timeout (10 s by default): one timer, armed
   * while calls are in flight, reports it once a call has had no answer for `hungAfterMillis`
   * plus the gathering time.
   */
  private _armHungCheck(): void {
    if (this._hungTimer !== undefined || this._closed) return;
    this._hungTimer = setTimeout(() => {
      this._hungTimer = undefined;
      if (this._inFlight.size === 0) return;
      const trouble = this._currentError === undefined ? this._troubleNow() : undefined;
      if (trouble !== undefined) this._trouble.log('warn', 'trouble:hung', `export stalled: ${trouble}`);
      this._armHungCheck();
    }, this._hungAfter + this._first);
    this._hungTimer.unref();
  }

  private _reportTrouble(error: unknown): void {
    // A timed-out call is the hung collector the stall check may have named already: one cause.
    const kind = classifyExportError(error);
    const cause = kind === 'timeout' ? 'hung' : kind;
    // "retrying" only when it is: RESOURCE_EXHAUSTED without a RetryInfo, a refused credential, are not.
    const retrying = isRetryableExportError(error) ? ', retrying' : '';
    this._trouble.log('warn', `trouble:${cause}`, `export failing${retrying}: ${this._causeOf(error)}`);
  }

  private _record(w: Window, count: number): void {
    if (this._closed || count <= 0) return;
    if (w.count === 0) w.since = this._now();
    w.count += count;
    this._arm();
  }

  /** When a window's next line is due: its first loss plus the gathering time, and an interval after the last line. */
  private _due(w: Window): number {
    return w.count > 0
      ? Math.max(w.since + this._first, w.lastEmit + this._interval)
      : Number.POSITIVE_INFINITY;
  }

  /** Arms one unref'ed timer for the earliest pending line. */
  private _arm(): void {
    if (this._timer || this._closed) return;
    const due = Math.min(
      this._due(this._drops),
      this._due(this._otherDrops),
      this._due(this._failures),
      this._due(this._rejected),
    );
    if (due === Number.POSITIVE_INFINITY) return;
    this._timer = setTimeout(
      () => {
        this._timer = undefined;
        this._flush(false);
      },
      Math.max(0, due - this._now()),
    );
    this._timer.unref();
  }

  private _at(): string {
    return this._endpoint ? ` at ${this._endpoint}` : '';
  }

  /** The cause an error names, as a phrase, with what it says of the endpoint's configuration. */
  private _causeOf(error: unknown): string {
    // Refused before any call: the span is the cause, not the collector.
    if (error instanceof UnencodableSpanError) return error.message;
    return collectorCause(error, this._naming);
  }

  /** Why the queue is full right now. */
  private _dropCause(): string {
    return (
      this._troubleNow() ??
      `overloaded: spans produced faster than they are exported${this._endpoint ? ` to ${this._endpoint}` : ''}`
    );
  }

  /**
   * What keeps the export from succeeding now, if anything: the last call's error, or a call with
   * no answer for too long. The exit path names it when the shutdown timeout ran out on it.
   */
  troubleCause(): string | undefined {
    return this._troubleNow();
  }

  /** The trouble as it is now: the last call's error, or a call with no answer for too long. */
  private _troubleNow(): string | undefined {
    if (this._currentError !== undefined) return this._causeOf(this._currentError);
    const now = this._now();
    let oldest = now;
    for (const call of this._inFlight) oldest = Math.min(oldest, call.at);
    if (now - oldest < this._hungAfter) return undefined;
    const secs = ((now - oldest) / 1000).toFixed(1);
    return `collector${this._at()} not answering: an export call has had no answer for ${secs} s`;
  }

  /** Spans lost at shutdown are not a cause: name what kept them from going out, if anything did. */
  private _lossCause(error: unknown): string {
    if (!(error instanceof ShutdownLossError)) {
      if (classifyExportError(error) !== 'rejected' || error instanceof PartialSuccessError)
        return this._causeOf(error);
      return withHint(describeExportError(error), error);
    }
    const now = this._troubleNow();
    if (now !== undefined) return now;
    return this._lastError === undefined
      ? error.message
      : `${error.message}; ${this._causeOf(this._lastError)}`;
  }

  private _window(w: Window, now: number): string {
    const secs = Math.round((now - w.since) / 1000);
    return secs >= 1 ? ` in the last ${secs} s` : '';
  }

  /** Emits the lines that are due (all pending ones with `all`). */
  private _flush(all: boolean): void {
    const now = this._now();
    const due = (w: Window) => w.count > 0 && (all || now >= this._due(w));
    if (due(this._drops)) {
      log.warn(
        `dropped ${spans(this._drops.count)}${this._window(this._drops, now)}: export queue full (${this._dropCause()})`,
      );
      this._say('dropped', this._drops);
      this._drops.lastEmit = now;
    }
    if (due(this._otherDrops)) {
      const w = this._otherDrops;
      log.warn(`dropped ${spans(w.count)}${this._window(w, now)}: ${this._otherDropCause}`);
      this._say('other', w);
      w.lastEmit = now;
    }
    if (due(this._failures)) {
      const reason = this._lossCause(this._failureError);
      log.warn(
        `failed to export ${spans(this._failures.count)}${this._window(this._failures, now)}` +
          `${this._endpoint ? ` to ${this._endpoint}` : ''}: ${reason}`,
      );
      this._say('failed', this._failures);
      this._failures.lastEmit = now;
    }
    if (due(this._rejected)) {
      log.warn(
        `collector${this._at()} rejected ${spans(this._rejected.count)}${this._window(this._rejected, now)}` +
          ` (partial success): ${this._rejectMessage}`,
      );
      this._say('rejected', this._rejected);
      this._rejected.lastEmit = now;
    }
    if (!all) this._arm();
  }

  /** A loss line of `kind` was printed for the window's count, which starts again from 0. */
  private _say(kind: LossKind, w: Window): void {
    this._said[kind] += w.count;
    this._lossLines++;
    w.count = 0;
  }

  /**
   * Prints what is pending, then one summary line when anything was lost during the process's
   * life, unless one line said it all already (a short script's one failed export): the loss is
   * said once.
   */
  shutdown(): void {
    if (this._closed) return;
    this._flush(true);
    this._closed = true;
    if (this._timer) clearTimeout(this._timer);
    if (this._troubleTimer) clearTimeout(this._troubleTimer);
    if (this._hungTimer) clearTimeout(this._hungTimer);
    this._timer = undefined;
    this._troubleTimer = undefined;
    this._hungTimer = undefined;
    // One held-back "export failing, retrying" line would repeat, after the exit's verdict, a line
    // said already, as if it still retried; only a count of several says something new.
    this._trouble.flush(2);
    const { exported, failed } = this._stats;
    const rejected = this._stats.rejected ?? 0;
    const unsaid = Math.max(0, this._stats.dropped - this._saidAtExit);
    const other = Math.min(this._otherDropTotal, unsaid);
    const dropped = unsaid - other;
    if (dropped === 0 && other === 0 && failed === 0 && rejected === 0) return;
    const said = this._said;
    if (
      this._lossLines === 1 &&
      said.dropped === dropped &&
      said.other === other &&
      said.failed === failed &&
      said.rejected === rejected
    )
      return;
    const parts: string[] = [];
    if (dropped > 0) parts.push(`${spans(dropped)} dropped (queue full)`);
    if (other > 0) parts.push(`${spans(other)} dropped (${this._otherDropCause})`);
    if (failed > 0) parts.push(`${spans(failed)} failed to export`);
    if (rejected > 0) parts.push(`${spans(rejected)} rejected by the collector`);
    // The last real cause: a call's error, else a collector that never answered.
    const cause =
      this._currentError !== undefined
        ? this._causeOf(this._currentError)
        : (this._troubleNow() ??
          (this._lastError !== undefined
            ? this._causeOf(this._lastError)
            : dropped > 0
              ? this._dropCause()
              : this._failureError !== undefined
                ? this._lossCause(this._failureError)
                : undefined));
    log.warn(
      `export summary at shutdown: ${parts.join(', ')}, ${spans(exported)} exported` +
        (cause === undefined ? '' : `; cause: ${cause}`),
    );
  }
}
