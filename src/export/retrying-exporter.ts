import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { classifyExportError, isRetryableExportError } from './export-errors.js';
import { EncodedSpans } from './otlp/encoded-queue.js';
import { requestBytes } from './otlp/request.js';
import { splitBySize } from './otlp/request-split.js';
import type { RequestSizeLimit } from './request-size-limit.js';
import { type Backoff, retryWait } from './retry-wait.js';
import { describeSpanAt } from './span-label.js';
import { statedSizeLimit } from './stated-limit.js';
import { ExportTooLargeError, isTooLargeAnswer, type PartialExportResult } from './too-large.js';

export interface RetryOptions {
  /** Total time for one export including every retry, ms. Pass the batch export timeout. @default 30000 */
  deadlineMillis?: number;
  /** Cap of the first backoff, ms; each retry doubles it (full jitter: the wait is random in [0, cap]). @default 200 */
  initialBackoffMillis?: number;
  /**
   * Largest backoff cap, ms. Kept short because the whole queue waits behind a retried batch: the
   * sooner the first retry after the collector is back, the fewer spans the full queue drops.
   * Throttling answers (gRPC RESOURCE_EXHAUSTED, HTTP 429) use `maxThrottledBackoffMillis`.
   * @default 1000
   */
  maxBackoffMillis?: number;
  /** Largest backoff cap when the collector says it is overloaded (gRPC 8, HTTP 429), ms. @default 5000 */
  maxThrottledBackoffMillis?: number;
  /**
   * Which errors to retry. A wait the collector asks for (HTTP `Retry-After`, gRPC RetryInfo) replaces
   * the backoff. @default isRetryableExportError (gRPC 1/4/10/14, 8 with a RetryInfo, HTTP 429/502/503/504, ECONNREFUSED...)
   */
  isRetryable?: (error: unknown) => boolean;
  /** Called before each retry (counts `retries`, remembers the error for the drop warning). */
  onRetry?: (error: unknown, attempt: number, delayMillis: number) => void;
  /**
   * Builds a fresh exporter to replace the wrapped one while the collector stays unreachable. Needed
   * for OTLP/gRPC: grpc-js backs off reconnects on its own (1 s, 1.6 s, 2.56 s... up to 120 s, not
   * configurable through the 0.223 exporter), so after a restart the old channel can stay in
   * TRANSIENT_FAILURE for seconds while the queue overflows. A new exporter connects at once.
   */
  recreate?: () => SpanExporter;
  /** Minimum time between two `recreate` calls, ms. @default 1000 */
  recreateAfterMillis?: number;
  /** Random source in [0, 1), for tests. @default Math.random */
  random?: () => number;
  /**
   * The exporter's request size limit (`maxExportRequestBytes`), lowered to what the collector
   * states when it refuses a request as too large; requests of encoded spans are cut to it.
   * Absent: a refused request is halved.
   */
  sizeLimit?: RequestSizeLimit;
}

/** The largest request, in bytes, the collector accepted among a refused request's parts. */
interface AcceptedSizes {
  largest: number;
}

// Parts of a refused request in flight at once (the exit sender sends as many: sender-thread.ts).
const PARTS_AT_ONCE = 8;

/**
 * Wraps any SpanExporter and retries transient failures with exponential backoff and full jitter,
 * all within one deadline. Needed because the 0.223 OTLP/gRPC exporter does not retry UNAVAILABLE
 * or DEADLINE_EXCEEDED at all (see export-errors.ts), so a collector restart loses every batch
 * sent while it is down. Non-retryable errors fail at once.
 */
export class RetryingExporter implements SpanExporter {
  private readonly _deadline: number;
  private readonly _backoff: Backoff;
  private readonly _isRetryable: (error: unknown) => boolean;
  private readonly _onRetry: RetryOptions['onRetry'];
  /** Pending waits: wake, and whether the collector asked for that wait. */
  private readonly _sleeps = new Map<() => void, boolean>();
  private readonly _recreate: (() => SpanExporter) | undefined;
  private readonly _recreateAfter: number;
  private _lastRecreate = Date.now();
  private _shutdown = false;
  private readonly _sizeLimit: RequestSizeLimit | undefined;

  constructor(
    private _inner: SpanExporter,
    options: RetryOptions = {},
  ) {
    this._recreate = options.recreate;
    this._recreateAfter = options.recreateAfterMillis ?? 1000;
    this._deadline = options.deadlineMillis ?? 30_000;
    const max = options.maxBackoffMillis ?? 1_000;
    this._backoff = {
      initialMillis: options.initialBackoffMillis ?? 200,
      maxMillis: max,
      maxThrottledMillis: Math.max(max, options.maxThrottledBackoffMillis ?? 5_000),
      random: options.random ?? Math.random,
    };
    this._isRetryable = options.isRetryable ?? isRetryableExportError;
    this._onRetry = options.onRetry;
    this._sizeLimit = options.sizeLimit;
  }

  export(spans: ReadableSpan[], resultCallback: (result: PartialExportResult) => void): void {
    const deadline = Date.now() + this._deadline;
    // Cut before sending once the collector stated a lower limit: a request cut to the old one
    // (in the batch processor before it was learned) would be refused again.
    const limit = this._sizeLimit;
    const parts =
      limit?.lowered && spans instanceof EncodedSpans ? splitBySize(spans, limit.bytes) : undefined;
    const exported =
      parts && parts.length > 1 ? this._exportParts(parts, deadline) : this._exportFitting(spans, deadline);
    void exported.then(resultCallback, (error: unknown) =>
      resultCallback({ code: ExportResultCode.FAILED, error: asError(error) }),
    );
  }

  /**
   * A request the collector refused as too large is never sent again unchanged (it would get the
   * same answer until the deadline, while the queue behind it fills): it is cut into parts that
   * fit the limit the collector stated (`_partsOf`), or halved when it stated none, down to single
   * spans, and a span too large on its own is dropped. The result then counts the spans lost
   * (`failedCount`), so the delivered rest is not counted as failed. Refused with no limit stated
   * (HTTP 413), the largest part accepted (`accepted`, shared by the parts' own splits) is the
   * limit kept for later requests (`RequestSizeLimit.learnAccepted`).
   */
  private async _exportFitting(
    spans: ReadableSpan[] | EncodedSpans,
    deadline: number,
    accepted?: AcceptedSizes,
  ): Promise<PartialExportResult> {
    const result = await this._exportWithRetry(spans, deadline);
    const limit = this._sizeLimit;
    if (result.code === ExportResultCode.SUCCESS) {
      if (spans instanceof EncodedSpans && (accepted || limit?.trying)) {
        const bytes = requestBytes(spans);
        if (accepted) accepted.largest = Math.max(accepted.largest, bytes);
        limit?.accepted(bytes);
      }
      return result;
    }
    if (!isTooLargeAnswer(result.error)) return result;
    if (spans.length <= 1 || this._shutdown) {
      limit?.refused();
      const what = spans.length === 1 ? describeSpanAt(spans, 0) : `${spans.length} spans`;
      return {
        code: ExportResultCode.FAILED,
        error: new ExportTooLargeError(`${what} too large for the collector: ${messageOf(result.error)}`, {
          cause: result.error,
        }),
      };
    }
    const { parts, stated } = this._partsOf(spans, result.error);
    // Trying maxExportRequestBytes again after the learned limit's lifetime: refused, it is kept.
    limit?.refused();
    if (stated || accepted || !limit || !(spans instanceof EncodedSpans))
      return this._exportParts(parts, deadline, accepted);
    const sizes: AcceptedSizes = { largest: 0 };
    const outcome = await this._exportParts(parts, deadline, sizes);
    if (sizes.largest > 0) limit.learnAccepted(requestBytes(spans), sizes.largest, spans);
    return outcome;
  }

  /**
   * A refused request's parts: cut to the limit the collector stated, which the exporter keeps
   * (request-size-limit.ts), when it stated one that leaves room for a span (`stated`); else its halves.
   */
  private _partsOf(
    spans: ReadableSpan[] | EncodedSpans,
    error: unknown,
  ): { parts: (ReadableSpan[] | EncodedSpans)[]; stated: boolean } {
    const stated = this._sizeLimit && spans instanceof EncodedSpans ? statedSizeLimit(error) : undefined;
    if (stated !== undefined) {
      const limit = this._sizeLimit!.learn(stated, spans as EncodedSpans);
      const parts = limit === undefined ? [] : splitBySize(spans as EncodedSpans, limit);
      if (parts.length > 1) return { parts, stated: true };
    }
    const half = Math.ceil(spans.length / 2);
    return { parts: [spans.slice(0, half), spans.slice(half, spans.length)], stated: false };
  }

  /** Exports `parts` side by side, as one result: how many of their spans were lost, and why. */
  private async _exportParts(
    parts: (ReadableSpan[] | EncodedSpans)[],
    deadline: number,
    accepted?: AcceptedSizes,
  ): Promise<PartialExportResult> {
    // A few at a time: a batch cut to a small stated limit can make dozens of parts.
    const results: PartialExportResult[] = new Array(parts.length);
    let next = 0;
    const sendNext = async (): Promise<void> => {
      for (let i = next++; i < parts.length; i = next++)
        results[i] = await this._exportFitting(parts[i]!, deadline, accepted);
    };
    await Promise.all(Array.from({ length: Math.min(PARTS_AT_ONCE, parts.length) }, sendNext));
    const total = parts.reduce((sum, part) => sum + part.length, 0);
    let lost = 0;
    let error: Error | undefined;
    results.forEach((r, i) => {
      const n = r.failedCount ?? (r.code === ExportResultCode.SUCCESS ? 0 : parts[i]!.length);
      lost += n;
      if (n > 0) error ??= r.error;
    });
    if (lost === total) return { code: ExportResultCode.FAILED, ...(error ? { error } : {}) };
    return {
      code: ExportResultCode.SUCCESS,
      ...(lost > 0 ? { failedCount: lost, ...(error ? { error } : {}) } : {}),
    };
  }

  private async _exportWithRetry(
    spans: ReadableSpan[] | EncodedSpans,
    deadline: number,
  ): Promise<ExportResult> {
    /** The last failed attempt's result: the cause, should our own shutdown cut the next one short. */
    let failed: ExportResult | undefined;
    for (let attempt = 0; ; attempt++) {
      const used = this._inner;
      const result = await this._attempt(used, spans, deadline - Date.now());
      if (result.code === ExportResultCode.SUCCESS) {
        // The collector is back: requests waiting in backoff go now instead of up to a cap later
        // (not those waiting out a delay the collector asked for: _sleep).
        if (attempt > 0) this._wakeAll(false);
        return result;
      }
      // A retry that shutdown() ended says only "the exporter was shut down": the loss line named
      // that as the cause instead of the refused connection before it (CI, Node 26, 2026-12-07).
      if (this._shutdown) return failed ?? result;
      if (isTooLargeAnswer(result.error) || !this._isRetryable(result.error)) return result;
      failed = result;
      if (used === this._inner) this._maybeRecreate(result.error);
      // Past the deadline, no retry at all, and the loss names the wait the collector asked for.
      const next = retryWait(result.error, attempt, deadline, this._backoff, { millis: this._deadline });
      if ('error' in next)
        return next.error === result.error
          ? result
          : { code: ExportResultCode.FAILED, error: asError(next.error) };
      const { delay, asked } = next;
      try {
        this._onRetry?.(result.error, attempt + 1, delay);
      } catch {
        // A counter callback must not break export.
      }
      await this._sleep(delay, asked);
      if (this._shutdown) return result;
    }
  }

  private _maybeRecreate(error: unknown): void {
    if (!this._recreate || classifyExportError(error) !== 'unreachable') return;
    if (Date.now() - this._lastRecreate < this._recreateAfter) return;
    this._lastRecreate = Date.now();
    try {
      const old = this._inner;
      this._inner = this._recreate();
      // The old exporter finishes its pending requests, then closes its channel.
      old.shutdown().catch(() => {});
    } catch {
      // Keep the old exporter if a new one cannot be built.
    }
  }

  /** One call of the wrapped exporter, bounded by the time left. */
  private _attempt(
    inner: SpanExporter,
    spans: ReadableSpan[] | EncodedSpans,
    remaining: number,
  ): Promise<ExportResult> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (result: ExportResult) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(result);
      };
      const timer = setTimeout(
        () =>
          finish({
            code: ExportResultCode.FAILED,
            error: new Error(`export timed out after ${this._deadline} ms`),
          }),
        Math.max(0, remaining),
      );
      timer.unref();
      try {
        // The queue's own form for an exporter built for it (OTLP), as the batch processor hands it.
        inner.export(spans as ReadableSpan[], finish);
      } catch (error) {
        finish({ code: ExportResultCode.FAILED, error: asError(error) });
      }
    });
  }

  /** A wait the collector `asked` for is ended early only by shutdown, not by another request's success. */
  private _sleep(ms: number, asked: boolean): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this._sleeps.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this._sleeps.set(wake, asked);
    });
  }

  private _wakeAll(asked: boolean): void {
    for (const [wake, wasAsked] of [...this._sleeps]) if (asked || !wasAsked) wake();
  }

  forceFlush(): Promise<void> {
    return this._inner.forceFlush?.() ?? Promise.resolve();
  }

  /** Stops retrying (pending backoffs end now, with the last failure) and shuts the wrapped exporter down. */
  shutdown(): Promise<void> {
    this._shutdown = true;
    this._wakeAll(true);
    return this._inner.shutdown();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
