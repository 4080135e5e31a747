import type { BroadcastChannel } from 'node:worker_threads';
import type { Context } from '@opentelemetry/api';
import { TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { log } from '../diag/index.js';
import { buildTraceRequest, EncodedSpanQueue } from '../export/index.js';
import { lazyRequire } from '../util/index.js';
import { type HelloMessage, type SpanMessage, THREAD_CHANNEL } from './thread-channel.js';

/** How long a worker waits for a traced main thread to answer before it exports by itself. */
const PROBE_MILLIS = 2_000;

/**
 * In a worker thread: hands each span, encoded as one OTLP request, to the main thread as it ends
 * (thread-inbox.ts), so one exporter per process sends them. Why: when the main thread exits,
 * worker threads are terminated without running their exit handlers, so what a worker's own batch
 * processor held was lost. Until the main thread answers the first hello, spans are also kept
 * here; with no traced main thread (no answer within 2 s), this thread exports through its own
 * processors (`fallback`) as before.
 */
export class ThreadHandoffProcessor implements SpanProcessor {
  private readonly _channel: BroadcastChannel;
  private readonly _queue = new EncodedSpanQueue(1);
  private _state: 'probing' | 'handoff' | 'own' = 'probing';
  private _kept: ReadableSpan[] = [];
  private readonly _probe: NodeJS.Timeout;

  constructor(
    private readonly _fallback: SpanProcessor[],
    private readonly _keepMax: number,
  ) {
    const { threadId, BroadcastChannel: Channel } = lazyRequire(
      'node:worker_threads',
    ) as typeof import('node:worker_threads');
    this._channel = new Channel(THREAD_CHANNEL);
    this._channel.onmessage = (event: unknown) => {
      if ((event as { data?: HelloMessage }).data?.ack !== threadId || this._state !== 'probing') return;
      this._state = 'handoff';
      this._kept = [];
      clearTimeout(this._probe);
      this._unref();
    };
    this._channel.postMessage({ hello: threadId } satisfies HelloMessage);
    this._probe = setTimeout(() => this._exportByItself(), PROBE_MILLIS);
    this._probe.unref();
    this._unref();
  }

  onStart(span: Span, parentContext: Context): void {
    if (this._state === 'own') for (const p of this._fallback) p.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (this._state === 'own') {
      for (const p of this._fallback) p.onEnd(span);
      return;
    }
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this._state === 'probing' && this._kept.length < this._keepMax) this._kept.push(span);
    this._queue.push(span);
    if (this._queue.size === 0) return; // could not be encoded (counted by no one: a throwing getter)
    // A copy the size of the request: a small Buffer is a view of Node's 8 KB pool, and
    // postMessage would clone the whole pool.
    const message: SpanMessage = { r: new Uint8Array(buildTraceRequest(this._queue.take(1))), n: 1 };
    this._channel.postMessage(message);
  }

  forceFlush(): Promise<void> {
    return Promise.all(this._fallback.map((p) => p.forceFlush())).then(() => undefined);
  }

  shutdown(): Promise<void> {
    clearTimeout(this._probe);
    this._channel.close();
    return Promise.all(this._fallback.map((p) => p.shutdown())).then(() => undefined);
  }

  private _exportByItself(): void {
    if (this._state !== 'probing') return;
    this._state = 'own';
    log.debug('no traced main thread answered: this worker thread exports its spans itself');
    const kept = this._kept;
    this._kept = [];
    this._channel.close();
    for (const span of kept) for (const p of this._fallback) p.onEnd(span);
  }

  private _unref(): void {
    this._channel.unref();
  }
}
