import { type Context, context, ROOT_CONTEXT, TraceFlags } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { log } from '../diag/index.js';
import type { BatchOptions } from '../types.js';
import { onRejection } from '../util/rejection.js';
import type { DropReporter } from './drop-reporter.js';
import {
  describeExportError,
  PartialSuccessError,
  readableExportError,
  ShutdownLossError,
} from './export-errors.js';
import { describeSpan } from './span-label.js';
import { type QueuedSpans, SpanQueue, type SpanStore } from './span-queue.js';
import { createExportStats, type ExportCounters } from './stats.js';
import { failedSpanCount, type PartialExportResult } from './too-large.js';
import { timeWork } from './work-timing.js';

/**
 * Where the export loop, its timers and the exporter's calls run: tracing suppressed (the
 * exporter's own HTTP/gRPC calls must not feed this queue), and no application context. The loop
 * starts inside whichever `span.end()` filled the batch, and `forceFlush()` in its caller's
 * context; in those, every timer, promise and gRPC call object of the export would hold that
 * context (its span, and whatever the app put in it) alive: the batch timer for up to
 * `scheduledDelayMillis` once traffic stops.
 */
const EXPORT_CONTEXT = suppressTracing(ROOT_CONTEXT);

/** The batch delay while urgent (`setUrgent`): what a crash for lack of heap may still lose. */
export const URGENT_DELAY_MILLIS = 100;

export interface AcmeBatchSpanProcessorOptions extends BatchOptions {
  /**
   * Spans per export request, for exporters that encode at export time (custom `SpanExporter`s):
   * a batch is sent as several requests of at most this many spans, one per event-loop turn, so
   * no single synchronous encode blocks the loop for long (upstream's OTLP encoder took 0.6–0.8 ms
   * for 256 http server spans). Our OTLP exporters take spans encoded as they ended
   * (`createQueue`), so the pipeline gives them one request per batch.
   * @default 256
   */
  maxSpansPerRequest?: number;
  /** Upper bound for `shutdown()` (final flush + exporter shutdown), ms. @default exportTimeoutMillis */
  shutdownTimeoutMillis?: number;
  /**
   * Builds the queue. The OTLP exporter's queue encodes each span as it ends and hands the
   * exporter encoded bytes (export/otlp/encoded-queue.ts). @default a queue of span objects
   */
  createQueue?: (capacity: number) => SpanStore;
  /**
   * Splits a batch into requests the collector accepts (OTLP: by encoded size, at most
   * `maxExportRequestBytes` each; export/otlp/request-split.ts). Each part is then cut into
   * `maxSpansPerRequest` chunks as usual. @default one part
   */
  splitBatch?: (batch: QueuedSpans) => QueuedSpans[];
  /** Counters to update (shared with the retrying exporter and the handle). @default fresh counters */
  stats?: ExportCounters;
  /** Turns drops and failures into rate-limited warnings. */
  reporter?: DropReporter;
}

/**
 * Batch span processor with a bounded queue and no silent loss.
 *
 * - `onEnd` is one flag test and one ring-buffer push; a full queue drops the span and counts it.
 * - At most one batch (`maxExportBatchSize` spans) is in flight, split into requests of
 *   `maxSpansPerRequest`; the next batch starts when every request of the previous one settled. This
 *   bounds memory to queue + one batch, and keeps several requests in flight so throughput does not
 *   collapse to one small request per round trip on a remote collector.
 * - `forceFlush()` exports everything queued; `shutdown()` flushes, then shuts the exporter down,
 *   both bounded by a timeout. Neither ever rejects.
 */
export class AcmeBatchSpanProcessor implements SpanProcessor {
  readonly stats: ExportCounters;
  private readonly _queue: SpanStore;
  private readonly _batchSize: number;
  private readonly _chunkSize: number;
  private readonly _delay: number;
  private readonly _exportTimeout: number;
  private readonly _shutdownTimeout: number;
  private readonly _reporter: DropReporter | undefined;
  private readonly _split: ((batch: QueuedSpans) => QueuedSpans[]) | undefined;
  private _timer: NodeJS.Timeout | undefined;
  private _loop: Promise<void> | undefined;
  /** Spans that must go out before the loop may stop at a partial batch (timer or flush asked). */
  private _wanted = 0;
  private _stopped = false;
  /** The span-ended-after-shutdown line was printed. */
  private _saidLate = false;
  /** Set by the exit path once its flush has run (`exitFlushed`). */
  private _exitFlushed = false;
  /** Near the heap limit (`setUrgent`): spans are exported as they end. */
  private _urgent = false;
  private _shutdownPromise: Promise<void> | undefined;
  private _flushGaveUp = false;
  /** Finishers of requests still in flight, so shutdown can settle (and count) them at its deadline. */
  private readonly _inFlight = new Set<(result: ExportResult) => void>();
  /** The spans of each request in flight, for the exit path (`takeUnsent`). */
  private readonly _sending = new Map<(result: ExportResult) => void, QueuedSpans>();
  /** The requests of the batch being exported that are not sent yet (one per turn), for `takeUnsent`. */
  private _notSent: QueuedSpans[] = [];
  private readonly _createQueue: (capacity: number) => SpanStore;
  /**
   * While the exit path ends the spans still open (`makeRoomAtExit`): those the full queue cannot
   * take, one store per call (a signal's, then the `exit` event's), none replaced while it holds any.
   */
  private _exitQueues: SpanStore[] = [];
  /** The batch taken from the queue while it waits for its resource, before it is cut into requests. */
  private _preparing = 0;
  /**
   * Told after a span was queued and after a request settled: a worker thread that exports by
   * itself keeps `held` in shared memory, where the thread that terminates it reads what it lost
   * (src/exit/thread-handoff.ts).
   */
  onHeldChange: (() => void) | undefined;

  constructor(
    private readonly _exporter: SpanExporter,
    options: AcmeBatchSpanProcessorOptions = {},
  ) {
    const maxQueueSize = positive(options.maxQueueSize, 2048);
    this._batchSize = Math.min(positive(options.maxExportBatchSize, 512), maxQueueSize);
    this._chunkSize = Math.min(positive(options.maxSpansPerRequest, 256), this._batchSize);
    this._delay = nonNegative(options.scheduledDelayMillis, 5000);
    this._exportTimeout = positive(options.exportTimeoutMillis, 30_000);
    this._shutdownTimeout = positive(options.shutdownTimeoutMillis, this._exportTimeout);
    this._createQueue = options.createQueue ?? ((capacity) => new SpanQueue(capacity));
    this._queue = this._createQueue(maxQueueSize);
    this.stats = options.stats ?? createExportStats();
    this._reporter = options.reporter;
    this._split = options.splitBatch;
  }

  /** Spans not yet acknowledged: queued, held for the exit path, or being exported. */
  get held(): number {
    let held = this._queue.size + this.heldForExit + this._preparing;
    for (const spans of this._sending.values()) held += spans.length;
    for (const spans of this._notSent) held += spans.length;
    return held;
  }

  /** Spans waiting in the queue (not counting the batch in flight). */
  get queueSize(): number {
    return this._queue.size;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (this._stopped) {
      this._endedAfterStop(span);
      return;
    }
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this._queued(this._queue.push(span) || (this._exitQueues.at(-1)?.push(span) ?? false));
  }

  /**
   * For the exit path, before it ends the `spans` still open (at most OPEN_SPAN_CAP): those the
   * full queue cannot take are kept for `takeUnsent`. Until 2026-12-07 they were dropped as "export
   * queue full (overloaded …)": of 10,000 open at a `process.exit()`, 4,096 arrived (the default queue).
   */
  makeRoomAtExit(spans: number): void {
    if (spans > 0 && !this._stopped) this._exitQueues.push(this._createQueue(spans));
  }

  /** Spans `makeRoomAtExit` kept that only the exit path's `takeUnsent` will send. */
  get heldForExit(): number {
    let held = 0;
    for (const queue of this._exitQueues) held += queue.size;
    return held;
  }

  /**
   * A span that ended after `shutdown()` finished, or after the exit path's flush had run (in an
   * app's 'exit' listener that runs after ours), is not exported: counted as dropped, and said once
   * (it was lost without a word). Between `takeUnsent` and `exitFlushed` the exit path has the
   * spans (it ends the open ones itself), not this.
   */
  private _endedAfterStop(span: ReadableSpan): void {
    if (
      (this._shutdownPromise === undefined && !this._exitFlushed) ||
      (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0
    )
      return;
    this.stats.dropped++;
    if (this._saidLate) return;
    this._saidLate = true;
    log.warn(
      this._exitFlushed
        ? `${describeSpan(span)} ended after the exit flush had sent what was pending (in an 'exit' listener that runs after ours, or later), so it is not sent, nor is any span that ends after it: end spans before the process exits, or in an 'exit' listener added before tracing starts`
        : `${describeSpan(span)} ended after tracing was shut down, so it is not exported, nor is any span that ends after it (counted as dropped in stats()): shut tracing down once the app's last span has ended (its server closed, its requests done)`,
    );
  }

  /** For the exit path, once its flush has run: a span that ends after this is late (`_endedAfterStop`). */
  exitFlushed(): void {
    this._exitFlushed = true;
  }

  /**
   * Queues a span that arrived encoded (from a worker thread, src/exit/thread-inbox.ts) as `onEnd`
   * queues one: `push` adds it to the queue, false when full (counted as dropped). False when
   * the processor is stopped: nothing was done, the caller keeps the span for the exit path.
   */
  accept(push: (queue: SpanStore) => boolean): boolean {
    if (this._stopped) return false;
    this._queued(push(this._queue));
    return true;
  }

  /** `batch` as the requests the export loop would send it in (for the exit path's extra spans). */
  requestsFor(batch: QueuedSpans): QueuedSpans[] {
    return this._requests(batch);
  }

  /**
   * Urgent: spans are exported within URGENT_DELAY_MILLIS of ending, not `scheduledDelayMillis`;
   * while the process is near its heap limit (exit/heap-watch.ts), since a process that runs out
   * of heap is aborted with no chance to send what waits. Not at once: an export call costs ~0.5
   * ms of CPU whatever its size, and one per span under load would cost the app more than it saves.
   */
  setUrgent(urgent: boolean): void {
    if (urgent === this._urgent) return;
    this._urgent = urgent;
    if (this._stopped || this._loop || this._queue.size === 0) return;
    this._clearTimer();
    this._armTimer();
  }

  private _queued(pushed: boolean): void {
    this.onHeldChange?.();
    if (!pushed) {
      this.stats.dropped++;
      this._reporter?.recordDrop(1);
      return;
    }
    if (this._queue.size >= this._batchSize || this._queue.ready) {
      if (!this._loop) this._run(0);
    } else if (!this._timer && !this._loop) {
      this._armTimer();
    }
  }

  /**
   * The last `forceFlush()` gave up at its bound with spans still queued or being exported (not
   * spans queued since it finished, in a service that goes on).
   */
  get flushGaveUp(): boolean {
    return this._flushGaveUp;
  }

  /**
   * Within the shutdown bound too: every caller (`forceFlush()`, the exit and signal flushes) boxes
   * it so, and a wait of the export timeout past that (a timer that must keep the process alive
   * while someone waits) held a script that had awaited a timed-out `forceFlush()` open for 30 s.
   */
  forceFlush(): Promise<void> {
    if (this._stopped) return Promise.resolve();
    return this._flushUntil(Date.now() + Math.min(this._exportTimeout, this._shutdownTimeout)).then(
      (done) => {
        this._flushGaveUp = !done;
      },
    );
  }

  shutdown(): Promise<void> {
    this._shutdownPromise ??= this._shutdownOnce();
    return this._shutdownPromise;
  }

  /**
   * The spans queued and not yet being exported, taken out (a worker thread that hands its spans
   * to the main thread from now on hands these over too: src/exit/thread-handoff.ts). Requests in
   * flight stay this processor's, so that none is sent twice.
   */
  takeQueued(): QueuedSpans | undefined {
    if (this._stopped || this._queue.size === 0) return undefined;
    return this._queue.take(this._queue.size);
  }

  /**
   * For the exit path (src/exit), when no asynchronous work will run again: stops the processor and
   * returns every span not yet acknowledged (requests in flight, then the queue), as requests cut
   * the way the export loop cuts them, for a synchronous send. A request in flight may have arrived already: at least once, rather than lost.
   */
  takeUnsent(): QueuedSpans[] {
    this._stopped = true;
    this._clearTimer();
    const unsent = [...this._sending.values(), ...this._notSent];
    this._sending.clear();
    this._inFlight.clear();
    this._notSent = [];
    if (this._queue.size > 0) unsent.push(...this._requests(this._queue.take(this._queue.size)));
    for (const extra of this._exitQueues)
      if (extra.size > 0) unsent.push(...this._requests(extra.take(extra.size)));
    this._exitQueues = [];
    return unsent;
  }

  private async _shutdownOnce(): Promise<void> {
    const deadline = Date.now() + this._shutdownTimeout;
    try {
      await this._flushUntil(deadline);
    } finally {
      this._stopped = true;
      this._clearTimer();
      // Whatever is still queued or in flight at the deadline is lost: count it now, once.
      const lost = new ShutdownLossError('shutdown timed out before the spans were exported');
      for (const finish of [...this._inFlight]) finish({ code: ExportResultCode.FAILED, error: lost });
      const left = this._queue.size;
      if (left > 0) {
        this._queue.take(left);
        this.stats.failed += left;
        this._reporter?.recordFailure(left, lost);
      }
      const ok = await settleWithin(this._exporter.shutdown(), Math.max(0, deadline - Date.now()));
      if (!ok) log.debug('exporter shutdown did not finish within the shutdown timeout');
      this._reporter?.shutdown();
    }
  }

  /** False when it gave up at `deadline`. */
  private async _flushUntil(deadline: number): Promise<boolean> {
    this._clearTimer();
    // Loop because the current export cycle may have started before the newest spans were queued.
    while (Date.now() < deadline && (this._queue.size > 0 || this._loop)) {
      const loop = this._loop ?? this._run(this._queue.size);
      this._wanted = Math.max(this._wanted, this._queue.size);
      if (!(await settleWithin(loop, deadline - Date.now()))) {
        log.debug(`flush timed out with ${this._queue.size} spans still queued`);
        return false;
      }
    }
    if (this._queue.size > 0 || this._loop) return false;
    const exporterFlush = this._exporter.forceFlush?.();
    return exporterFlush ? settleWithin(exporterFlush, Math.max(0, deadline - Date.now())) : true;
  }

  private _armTimer(): void {
    this._timer = context.with(EXPORT_CONTEXT, () =>
      setTimeout(
        () => {
          this._timer = undefined;
          if (!this._loop) this._run(this._queue.size);
        },
        this._urgent ? Math.min(this._delay, URGENT_DELAY_MILLIS) : this._delay,
      ),
    );
    this._timer.unref();
  }

  private _clearTimer(): void {
    if (this._timer) clearTimeout(this._timer);
    this._timer = undefined;
  }

  /** Starts the export loop; it runs until the queue holds less than a batch and nothing is wanted. */
  private _run(wanted: number): Promise<void> {
    this._wanted = Math.max(this._wanted, wanted);
    this._clearTimer();
    const loop = context
      .with(EXPORT_CONTEXT, async () => {
        // Start on a fresh turn: never work inside the application's `span.end()`.
        await yieldTurn();
        while (
          this._queue.size >= this._batchSize ||
          this._queue.ready ||
          (this._wanted > 0 && this._queue.size > 0)
        ) {
          const batch = this._queue.take(this._batchSize);
          this._wanted = Math.max(0, this._wanted - batch.length);
          await this._exportBatch(batch);
        }
        this._wanted = 0;
        // Cleared synchronously after the last check, so a span queued from now on starts a new loop.
        this._loop = undefined;
        if (this._queue.size > 0 && !this._stopped) this._armTimer();
      })
      .catch((error: unknown) => {
        this._loop = undefined;
        log.debug(`export loop error: ${describeExportError(error)}`);
      });
    this._loop = loop;
    return loop;
  }

  private async _exportBatch(batch: QueuedSpans): Promise<void> {
    // Detectors (host.id, container) leave promise-valued resource attributes. Until they settle,
    // every `resource.attributes` read by the OTLP serializer logs a diag error and rebuilds the
    // attribute object (5.4% of busy CPU under load, profiled); once settled it is memoized.
    // Upstream's BatchSpanProcessor waits the same way; after the first batch this is one flag test.
    const resource = pendingResource(batch);
    this._preparing = batch.length;
    if (resource) await resource.waitForAsyncAttributes?.().catch(() => undefined);
    this._preparing = 0;
    const requests = this._requests(batch);
    if (requests.length === 1) return this._exportChunk(requests[0]!);
    const pending: Promise<void>[] = [];
    // Taken from the queue, not in flight yet: the exit path takes them from here. Until
    // 2026-12-06 it did not, and the requests of a split batch not yet sent when the process
    // exited were lost without a word (test/integration/exit-too-large.test.ts, "a limit the
    // export learned before the crash": the last 10 of 100 spans).
    this._notSent = requests;
    for (let next = requests.shift(); next !== undefined; next = requests.shift()) {
      pending.push(this._exportChunk(next));
      if (requests.length > 0) await yieldTurn();
      // takeUnsent() took the rest for the exit path.
      if (this._notSent !== requests) break;
    }
    await Promise.all(pending);
  }

  /**
   * A batch as the requests it is sent in: split by `splitBatch` (encoded size), then cut into
   * `maxSpansPerRequest` chunks. One request per batch (our OTLP exporters, unless too large): no copy.
   */
  private _requests(batch: QueuedSpans): QueuedSpans[] {
    const parts = this._split ? this._split(batch) : [batch];
    if (parts.length === 1 && batch.length <= this._chunkSize) return [batch];
    const requests: QueuedSpans[] = [];
    for (const part of parts) {
      if (part.length <= this._chunkSize) requests.push(part);
      else
        for (let i = 0; i < part.length; i += this._chunkSize)
          requests.push(part.slice(i, i + this._chunkSize));
    }
    return requests;
  }

  private _exportChunk(spans: QueuedSpans): Promise<void> {
    return new Promise<PartialExportResult>((resolve) => {
      let done = false;
      const finish = (result: PartialExportResult) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this._inFlight.delete(finish);
        this._sending.delete(finish);
        resolve(readableResult(result));
      };
      this._inFlight.add(finish);
      this._sending.set(finish, spans);
      // The exporter's answer, not this processor's timeout, ends its use of the spans: only then
      // may the queue reuse their memory. Once, whatever an exporter does.
      let released = false;
      const answered = (result: PartialExportResult) => {
        if (!released) {
          released = true;
          this._queue.release?.(spans);
        }
        finish(result);
      };
      const timer = setTimeout(
        () =>
          finish({
            code: ExportResultCode.FAILED,
            error: new Error(`export timed out after ${this._exportTimeout} ms`),
          }),
        this._exportTimeout,
      );
      timer.unref();
      // The exporter's own HTTP/gRPC calls must not be traced (they would feed this queue), and
      // must not hold the caller's context (forceFlush() runs in the app's).
      context.with(EXPORT_CONTEXT, () => {
        try {
          // An array of spans, or the queue's own form for an exporter built for it (OTLP).
          const returned: unknown = timeWork('export', () =>
            this._exporter.export(spans as ReadableSpan[], answered),
          );
          // A custom `async export` that throws: its rejection is its answer (it went unhandled,
          // and ended the process, while the batch waited out its timeout).
          if (returned !== undefined)
            onRejection(returned, (error) =>
              finish({ code: ExportResultCode.FAILED, error: error as Error }),
            );
        } catch (error) {
          finish({ code: ExportResultCode.FAILED, error: error as Error });
        }
      });
    }).then((result) => {
      // The retrying exporter may deliver part of a request (halves of one refused as too large);
      // partial_success: the collector kept all but `rejectedSpans` (export-errors.ts).
      const failed = failedSpanCount(result, spans.length);
      const partial = result.error instanceof PartialSuccessError ? result.error : undefined;
      const rejected = Math.min(spans.length - failed, partial?.rejectedSpans ?? 0);
      this.stats.exported += spans.length - failed - rejected;
      this.stats.rejected += rejected;
      if (partial) this._reporter?.recordRejected(partial);
      if (failed > 0) {
        this.stats.failed += failed;
        this._reporter?.recordFailure(failed, result.error);
      }
      this.onHeldChange?.();
    });
  }
}

/**
 * The exporter's answer as the export path can read it, read once: a custom exporter can answer
 * anything, and `failedSpanCount` and the drop reporter read it later.
 */
function readableResult(result: PartialExportResult): PartialExportResult {
  try {
    const copy = { ...result };
    if (copy.error !== undefined) copy.error = readableExportError(copy.error) as Error;
    return copy;
  } catch {
    return {
      code: ExportResultCode.FAILED,
      error: new Error('the exporter answered with a result that could not be read'),
    };
  }
}

/**
 * A resource of the batch still waiting for its async attributes. Usually every span has the
 * same one; in the OTLP queue, spans from worker threads carry their thread's
 * (src/exit/thread-inbox.ts), which may settle later. One flag test per run of spans with the
 * same resource.
 */
function pendingResource(batch: QueuedSpans): ReadableSpan['resource'] | undefined {
  if (Array.isArray(batch)) {
    const first = (batch as ReadableSpan[])[0]?.resource;
    return first?.asyncAttributesPending ? first : undefined;
  }
  const resources = (batch as { resources?: ReadableSpan['resource'][] }).resources ?? [];
  let last: ReadableSpan['resource'] | undefined;
  for (const resource of resources) {
    if (resource === last) continue;
    if (resource.asyncAttributesPending) return resource;
    last = resource;
  }
  return undefined;
}

function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Resolves true if `promise` settles within `ms`, false otherwise; never rejects. The timer is NOT
 * unref'ed: the host is awaiting flush/shutdown, and must get an answer before the process idles out.
 */
function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, ms));
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

function nonNegative(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
}
