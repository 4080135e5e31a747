import type { BroadcastChannel, MessagePort, Worker } from 'node:worker_threads';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ExportCounters } from '../export/index.js';
import { EncodedSpans } from '../export/index.js';
import { lazyRequire } from '../util/index.js';
import type { PendingRequests } from './exit-path.js';
import { type HelloMessage, type SpanMessage, THREAD_CHANNEL } from './thread-channel.js';

/** At exit: the channel is drained until it was quiet this long (threads stopping)… */
const DRAIN_QUIET_MILLIS = 10;
/** …or at most this long. */
const DRAIN_MAX_MILLIS = 100;

interface Batch {
  requests: Uint8Array[];
  counts: number[];
  spans: number;
}

/**
 * In the main thread: receives the spans worker threads hand over (thread-handoff.ts) and exports
 * them through the main thread's OTLP exporter, batched like the batch processor (size or delay).
 * Opened at the first `worker` event, so a process without worker threads never loads
 * `worker_threads` or creates the channel. At exit, `drain()` takes what is batched, in flight,
 * and still in the channel (`receiveMessageOnPort`, synchronous) for the exit path.
 */
export class ThreadInbox {
  private _channel: BroadcastChannel | undefined;
  private _batch: Batch = emptyBatch();
  private readonly _inFlight = new Set<Batch>();
  private _timer: NodeJS.Timeout | undefined;
  private _closed = false;
  private _holding = false;
  /** Worker threads alive, to stop them at exit before the last drain. */
  private readonly _workers = new Set<Worker>();
  private readonly _onWorker = (worker: Worker) => {
    this._open();
    this._workers.add(worker);
    worker.once('exit', () => this._workers.delete(worker));
  };

  constructor(
    private readonly _exporter: SpanExporter,
    private readonly _stats: ExportCounters,
    private readonly _batchSize: number,
    private readonly _delayMillis: number,
    private readonly _maxBatched: number,
  ) {
    process.on('worker', this._onWorker);
  }

  /** Whether a worker thread was started (and the channel opened). */
  get opened(): boolean {
    return this._channel !== undefined;
  }

  /** Everything not acknowledged by the collector; the inbox stops. */
  drain(): PendingRequests {
    const requests: Uint8Array[] = [];
    const counts: number[] = [];
    this._closed = true;
    const channel = this._channel;
    if (channel) {
      // Threads end spans until they are stopped, which Node does only after the exit handlers:
      // stop them first (their JS halts at once), so that no span ends after the last drain.
      for (const worker of this._workers) void worker.terminate();
      const { receiveMessageOnPort } = lazyRequire(
        'node:worker_threads',
      ) as typeof import('node:worker_threads');
      const pause = new Int32Array(new SharedArrayBuffer(4));
      const until = Date.now() + DRAIN_MAX_MILLIS;
      let quietSince = Date.now();
      while (Date.now() < until) {
        const received = receiveMessageOnPort(channel as unknown as MessagePort);
        const message = received?.message as SpanMessage | undefined;
        if (message !== undefined) {
          if (message.r) this._add(message);
          quietSince = Date.now();
        } else if (this._workers.size === 0 || Date.now() - quietSince >= DRAIN_QUIET_MILLIS) {
          break;
        } else {
          Atomics.wait(pause, 0, 0, 1);
        }
      }
    }
    this.close();
    for (const batch of [...this._inFlight, this._batch]) {
      requests.push(...batch.requests);
      counts.push(...batch.counts);
    }
    this._inFlight.clear();
    this._batch = emptyBatch();
    return merge(requests, counts, this._batchSize);
  }

  /**
   * Exports what is batched now; resolves when the collector answered. For shutdown: what arrives
   * from now on is only batched (the exporter is being shut down) and left to the exit path.
   */
  flushAndHold(): Promise<void> {
    const flushed = this._export();
    this._holding = true;
    return flushed;
  }

  close(): void {
    this._closed = true;
    process.off('worker', this._onWorker);
    if (this._timer) clearTimeout(this._timer);
    this._channel?.close();
  }

  private _open(): void {
    if (this._channel || this._closed) return;
    const { BroadcastChannel: Channel } = lazyRequire(
      'node:worker_threads',
    ) as typeof import('node:worker_threads');
    const channel = new Channel(THREAD_CHANNEL);
    channel.onmessage = (event: unknown) => {
      const data = (event as { data?: SpanMessage & HelloMessage }).data;
      if (data?.hello !== undefined) channel.postMessage({ ack: data.hello } satisfies HelloMessage);
      else if (data?.r) this._add(data);
    };
    // Spans from workers must not keep the process alive by themselves.
    channel.unref();
    this._channel = channel;
  }

  private _add(message: SpanMessage): void {
    // At exit (closed) nothing more is exported before the drain returns: no bound is needed there.
    if (this._batch.spans >= this._maxBatched && !this._closed) {
      this._stats.dropped += message.n;
      return;
    }
    this._batch.requests.push(message.r);
    this._batch.counts.push(message.n);
    this._batch.spans += message.n;
    if (this._closed || this._holding) return;
    if (this._batch.spans >= this._batchSize) void this._export();
    else if (!this._timer) {
      this._timer = setTimeout(() => void this._export(), this._delayMillis);
      this._timer.unref();
    }
  }

  private _export(): Promise<void> {
    if (this._timer) clearTimeout(this._timer);
    this._timer = undefined;
    const batch = this._batch;
    if (batch.spans === 0) return Promise.resolve();
    this._batch = emptyBatch();
    this._inFlight.add(batch);
    return new Promise<void>((resolve) => {
      const done = (result: ExportResult) => {
        if (!this._inFlight.delete(batch)) return resolve();
        if (result.code === ExportResultCode.SUCCESS) this._stats.exported += batch.spans;
        else this._stats.failed += batch.spans;
        resolve();
      };
      try {
        // Requests concatenate into one request (repeated resource_spans), as protobuf merges them.
        this._exporter.export(asEncodedSpans(batch) as unknown as ReadableSpan[], done);
      } catch (error) {
        done({ code: ExportResultCode.FAILED, error: error as Error });
      }
    });
  }
}

/** One request per span is wasteful: requests concatenate, so merge them up to `max` spans each. */
function merge(requests: Uint8Array[], counts: number[], max: number): PendingRequests {
  const merged: PendingRequests = { requests: [], counts: [] };
  let parts: Uint8Array[] = [];
  let spans = 0;
  const close = () => {
    if (spans === 0) return;
    merged.requests.push(Buffer.concat(parts));
    merged.counts.push(spans);
    parts = [];
    spans = 0;
  };
  for (let i = 0; i < requests.length; i++) {
    if (spans > 0 && spans + (counts[i] ?? 0) > max) close();
    parts.push(requests[i]!);
    spans += counts[i] ?? 0;
  }
  close();
  return merged;
}

function emptyBatch(): Batch {
  return { requests: [], counts: [], spans: 0 };
}

/** A batch the OTLP serializer (request.ts) sends as is: its request bytes are already built. */
function asEncodedSpans(batch: Batch): EncodedSpans {
  const none = new Array(batch.spans) as never[];
  const spans = new EncodedSpans(none, none, none, none, none);
  spans.request = Buffer.concat(batch.requests);
  return spans;
}
