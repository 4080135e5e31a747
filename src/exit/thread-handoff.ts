import type { BroadcastChannel, MessagePort } from 'node:worker_threads';
import type { Context } from '@opentelemetry/api';
import { TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { LogLimiter, log } from '../diag/index.js';
import {
  type AcmeBatchSpanProcessor,
  createExportStats,
  createOversizeReport,
  EncodedSpanQueue,
  EncodedSpans,
  UnencodableSpanError,
} from '../export/index.js';
import { lazyRequire } from '../util/index.js';
import {
  type AckMessage,
  claimOwn,
  FLOW,
  FLOW_SLOTS,
  HELLO_AGAIN_MILLIS,
  type HelloMessage,
  type LimitMessage,
  type SpanMessage,
  type SwitchMessage,
  spanChannelName,
  THREAD_CHANNEL,
} from './thread-channel.js';
import { ThreadChildren } from './thread-children.js';
import { ThreadNumbering } from './thread-numbering.js';

/** How long a worker waits for a traced main thread to answer before it exports by itself. */
const PROBE_MILLIS = 2_000;
/**
 * Messages read from the channel at exit at most: the other threads' spans pass there too, and
 * what matters (an answer, a limit) is among the first few.
 */
const MAX_READ_AT_EXIT = 10_000;

export interface HandoffOptions {
  /** Spans kept while no main thread has answered yet, for exporting them here if none does. */
  readonly keepMax: number;
  /** The most spans, and bytes, the channel may hold for this thread (`maxQueueSize`, two requests). */
  readonly maxInFlightSpans: number;
  readonly maxInFlightBytes: number;
  /**
   * `maxExportRequestBytes`: a span is truncated to fit one, as in the main thread's queue; or
   * to the lower limit the main thread's exporter learned from the collector (FLOW.REQUEST_BYTES).
   */
  readonly maxRequestBytes: number;
  /** The limit the main thread had learned when this thread started (learned-limit.ts), until it says otherwise. */
  readonly learnedRequestBytes?: number;
  /**
   * Reads the limit the main thread learned (0: none), in memory it shared before this thread
   * started (learned-limit.ts): read again when this thread starts exporting by itself.
   */
  readonly learned?: () => number;
  /**
   * With no traced main thread: the spans that ended during the probe past `keepMax`, lost (as
   * a full export queue loses them), for this thread's stats and drop report.
   */
  readonly onLost?: (count: number, cause: string) => void;
  /**
   * The limit the main thread's exporter learned from the collector, told to a thread that exports
   * by itself (LimitMessage): its own exporter's, so that it truncates its spans to it as well.
   */
  readonly onLimit?: (bytes: number) => void;
  /** Spans lost with a thread started here that ended without its `exit` event (thread-children.ts), said already. */
  readonly onStoppedLost?: (count: number) => void;
}

/**
 * In a worker thread: hands each span to the main thread (thread-inbox.ts) as it ends, encoded
 * (the OTLP queue's encoder, with the same size limit: a span too large is truncated or dropped
 * here, named in a log line and counted), so that one exporter per process sends it through the
 * main thread's export queue. Why: when the main thread exits, worker threads are terminated
 * without running their exit handlers, so what a worker held was lost.
 *
 * Posted at once, one message per span, never batched here: a span held in this thread is lost
 * when the main thread exits, while one in the channel is drained at exit. What the channel holds
 * is bounded instead: while it holds `maxInFlightSpans` spans or `maxInFlightBytes` for this
 * thread (the main thread's event loop is blocked), a span is dropped and counted in shared
 * memory, where the main thread reads it for `stats()` and its drop line.
 *
 * Until the main thread answers the first hello, spans are also kept here; with no traced main
 * thread (no answer within 2 s), this thread exports through its own processors (`fallback`),
 * until a late answer (`_switch`).
 */
export class ThreadHandoffProcessor implements SpanProcessor {
  private readonly _channel: BroadcastChannel;
  /** Where its spans go: the shared channel until answered, then its own (`spanChannelName`). */
  private _spans: BroadcastChannel;
  private readonly _flow = new Int32Array(new SharedArrayBuffer(4 * FLOW_SLOTS));
  private readonly _queue: EncodedSpanQueue;
  private readonly _numbering: ThreadNumbering;
  private readonly _threadId: number;
  private _state: 'probing' | 'handoff' | 'own' | 'closed' = 'probing';
  private _kept: ReadableSpan[] = [];
  /** Spans that ended during the probe when `keepMax` were kept already. */
  private _unkept = 0;
  private readonly _probe: NodeJS.Timeout;
  /** Hellos sent so far; again every HELLO_AGAIN_MILLIS until answered. */
  private _helloSeq = 0;
  private readonly _helloAgain: NodeJS.Timeout;
  /**
   * What was posted while no main thread had answered: after which hello, its size, and the span
   * if it is kept. Posted before the hello the main thread first received, it was never taken.
   */
  private _posts: { seq: number; bytes: number; span: ReadableSpan | undefined; oversized: boolean }[] = [];
  /** The span being encoded was too large (truncated or dropped). */
  private _oversized = false;
  /** The span being encoded again was counted oversized already. */
  private _recounted = false;
  /** The loss counter (FLOW) of the span the encoder just refused: too large even truncated, or unencodable. */
  private _refused: number | undefined;
  /** The main thread's learned request limit last applied to `_queue` (0: none). */
  private _learnedBytes = 0;
  private readonly _children: ThreadChildren;

  constructor(
    private readonly _fallback: readonly AcmeBatchSpanProcessor[],
    private readonly _options: HandoffOptions,
  ) {
    const { threadId, BroadcastChannel: Channel } = lazyRequire(
      'node:worker_threads',
    ) as typeof import('node:worker_threads');
    this._threadId = threadId;
    const flow = this._flow;
    Atomics.store(flow, FLOW.MAX_SPANS, _options.maxInFlightSpans);
    Atomics.store(flow, FLOW.MAX_BYTES, _options.maxInFlightBytes);
    const unencodable = new LogLimiter();
    const oversized = createOversizeReport(createExportStats(), undefined);
    this._queue = new EncodedSpanQueue(
      1,
      (span, error) => {
        // Counted by `_post`, as it gives back the span's place in FLOW.IN_FLIGHT_SPANS.
        this._refused = FLOW.UNENCODABLE;
        unencodable.log('warn', 'unencodable', new UnencodableSpanError(span.name, error).message);
      },
      {
        maxRequestBytes: _options.maxRequestBytes,
        onOversized: (span, outcome) => {
          this._oversized = true;
          // Not posted: counted by `_post`, as it gives back the span's place in FLOW.IN_FLIGHT_SPANS.
          if (outcome.dropped) this._refused = FLOW.TOO_LARGE;
          // Posted again after the main thread answered: counted and named when first posted.
          if (this._recounted) return;
          if (!outcome.dropped) Atomics.add(flow, FLOW.TRUNCATED, 1);
          oversized(span, outcome);
        },
      },
    );
    if (_options.learnedRequestBytes !== undefined) this._queue.setRequestBytes(_options.learnedRequestBytes);
    this._children = new ThreadChildren((count) => _options.onStoppedLost?.(count));
    this._channel = new Channel(THREAD_CHANNEL);
    this._spans = this._channel;
    // With the spans: a resource settles after the span that told it.
    this._numbering = new ThreadNumbering(threadId, (message) => this._spans.postMessage(message));
    this._channel.onmessage = (event: unknown) => this._receive((event as { data?: unknown }).data);
    this._sayHello();
    this._helloAgain = setInterval(() => this._sayHello(), HELLO_AGAIN_MILLIS);
    this._helloAgain.unref();
    this._probe = setTimeout(() => this._exportByItself(), PROBE_MILLIS);
    this._probe.unref();
    this._channel.unref();
    // Ending before it read an answer: what it kept goes to this thread's own exit path, which
    // runs after this, unless the main thread took it already (then to the main thread).
    process.prependListener('exit', this._onExit);
    // Not removed: the main thread counts the spans still open in a thread that ended without it.
    process.prependListener('exit', () => Atomics.store(flow, FLOW.EXITED, 1));
  }

  private readonly _onExit = () => {
    // What the main thread said that this thread's loop did not turn to read: an answer, or the
    // limit its exporter learned, which this thread's own exit path then cuts its spans to.
    const { receiveMessageOnPort } = lazyRequire(
      'node:worker_threads',
    ) as typeof import('node:worker_threads');
    for (let i = 0; i < MAX_READ_AT_EXIT; i++) {
      const received = receiveMessageOnPort(this._channel as unknown as MessagePort);
      if (received === undefined) break;
      this._receive(received.message);
    }
    this._exportByItself();
  };

  private _receive(data: unknown): void {
    const message = data as Partial<AckMessage & LimitMessage & HelloMessage> | undefined;
    if (message?.hello !== undefined && message.flow) {
      this._children.hello(message.hello, message.flow);
      return;
    }
    if (message?.limit !== undefined) {
      if (this._state === 'own' || this._state === 'probing') this._options.onLimit?.(message.limit);
      return;
    }
    if (message?.ack !== this._threadId) return;
    if (
      message.own &&
      this._spans === this._channel &&
      (this._state === 'probing' || this._state === 'own')
    ) {
      const { BroadcastChannel: Channel } = lazyRequire(
        'node:worker_threads',
      ) as typeof import('node:worker_threads');
      // Only posted on: never read here.
      this._spans = new Channel(spanChannelName(this._threadId));
      this._spans.unref();
    }
    if (this._state === 'probing') this._answered(message.seq ?? 1);
    else if (message.late && this._state === 'own') this._switch();
  }

  /**
   * The main thread answered after this thread had given up waiting: its spans go to the main
   * thread from now on, and so does what its own exporter still queues. Kept here, they were lost
   * when the app terminated the thread (no `exit` event in it) or the process exited (the threads
   * are stopped without one). What its exporter is sending stays its exporter's.
   */
  private _switch(): void {
    this._state = 'handoff';
    process.off('exit', this._onExit);
    // Before the spans that follow it, on their channel: the main thread takes them from it on.
    this._spans.postMessage({ t: this._threadId, switched: true } satisfies SwitchMessage);
    this._numbering.reannounce();
    const flow = this._flow;
    for (const processor of this._fallback) {
      const queued = processor.takeQueued();
      if (!(queued instanceof EncodedSpans)) continue;
      for (let i = 0; i < queued.length; i++) {
        // From what its own exporter holds to what is on its way to the main thread, in one step
        // (see onEnd): never in neither, never in both, when the thread is stopped here.
        Atomics.add(flow, FLOW.IN_FLIGHT_SPANS, 1);
        Atomics.sub(flow, FLOW.HELD, 1);
        this._postEntry(queued, i, true);
      }
    }
    this._holdOwn();
  }

  /** FLOW.HELD: what its own exporter holds, kept current by it (queued, or being exported). */
  private _holdOwn(): void {
    let held = 0;
    for (const processor of this._fallback) held += processor.held;
    Atomics.store(this._flow, FLOW.HELD, held);
  }

  onStart(span: Span, parentContext: Context): void {
    if (sampled(span)) Atomics.add(this._flow, FLOW.OPEN, 1);
    if (this._state === 'own') for (const p of this._fallback) p.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (!sampled(span)) {
      if (this._state === 'own') for (const p of this._fallback) p.onEnd(span);
      return;
    }
    const flow = this._flow;
    if (this._state === 'probing' || this._state === 'handoff') {
      // The span leaves FLOW.OPEN for FLOW.IN_FLIGHT_SPANS (on its way to the main thread) first,
      // in two Atomics calls with nothing between them: worker.terminate() (and the process's exit,
      // which terminates the threads) stops a thread's JS only where V8 checks for interrupts, at a
      // function's entry, a loop's back edge or a return, never between two builtin calls. From
      // here the span is counted in exactly one place until it is taken: in flight while it is
      // encoded and posted (the main thread's drain at exit waits for it, and counts it lost if
      // the thread was stopped before the post reached it), or, if not posted, in the loss counter
      // that `_post` adds next to giving its place back. The other orders lose it or count it
      // twice: leaving OPEN before this, a thread stopped while it encodes loses the span without
      // a word (until 2026-12-07); counting it in flight only as it posts (after encoding), the
      // same; counting the post after `postMessage`, the main thread may take it before it is
      // counted (in flight below zero) and stop waiting for one still on its way.
      Atomics.add(flow, FLOW.IN_FLIGHT_SPANS, 1);
      Atomics.sub(flow, FLOW.OPEN, 1);
    } else {
      // Exporting by itself: its own queue counts the span in FLOW.HELD only once it has encoded
      // it (`_holdOwn`), so a thread stopped while it encodes loses it uncounted. Not closed here:
      // a stopped queue (after shutdown) counts what still ends itself, and FLOW.HELD would too.
      Atomics.sub(flow, FLOW.OPEN, 1);
    }
    if (this._state === 'own') {
      for (const p of this._fallback) p.onEnd(span);
      return;
    }
    // After shutdown the channel is closed: as upstream's processors, ignore spans that still end.
    if (this._state === 'closed') return;
    if (this._state === 'probing') {
      const kept = this._kept.length < this._options.keepMax;
      if (kept) this._kept.push(span);
      else this._unkept++;
      // Lost with the thread if it is stopped before anyone takes them.
      Atomics.store(flow, FLOW.HELD, this._kept.length + this._unkept);
      // With its scope and resource: the main thread may not have received the messages that had them.
      const bytes = this._post(span, true);
      if (bytes !== undefined)
        this._posts.push({
          seq: this._helloSeq,
          bytes,
          span: kept ? span : undefined,
          oversized: this._oversized,
        });
      return;
    }
    this._post(span, false);
  }

  /**
   * Encodes and posts `span`, which has its place in FLOW.IN_FLIGHT_SPANS already (onEnd); its
   * size, or undefined when it was not posted (counted, its place given back).
   */
  private _post(span: ReadableSpan, full: boolean): number | undefined {
    // One load of shared memory per span: the main thread stores the limit its exporter learned.
    const learned = Atomics.load(this._flow, FLOW.REQUEST_BYTES);
    if (learned !== this._learnedBytes) {
      this._learnedBytes = learned;
      this._queue.setRequestBytes(learned === 0 ? this._options.maxRequestBytes : learned);
    }
    this._oversized = false;
    this._refused = undefined;
    this._queue.push(span);
    if (this._queue.size === 0) {
      // Not encoded, or too large even truncated (named above): lost, counted where it was in flight.
      const flow = this._flow;
      Atomics.add(flow, this._refused ?? FLOW.UNENCODABLE, 1);
      Atomics.sub(flow, FLOW.IN_FLIGHT_SPANS, 1);
      return undefined;
    }
    return this._postEntry(this._queue.take(1), 0, full);
  }

  /**
   * Posts entry `i` of `encoded`, which has its place in FLOW.IN_FLIGHT_SPANS already; its size, or
   * undefined when the channel held too much (counted, its place given back).
   */
  private _postEntry(encoded: EncodedSpans, i: number, full: boolean): number | undefined {
    const start = encoded.starts[i]!;
    const bytes = encoded.ends[i]! - start;
    const flow = this._flow;
    // The others': this span's place is counted already.
    const spans = Atomics.load(flow, FLOW.IN_FLIGHT_SPANS) - 1;
    if (
      spans >= this._options.maxInFlightSpans ||
      (spans > 0 && Atomics.load(flow, FLOW.IN_FLIGHT_BYTES) + bytes > this._options.maxInFlightBytes)
    ) {
      // Counted dropped, then its place given back: in one step (see onEnd).
      Atomics.add(flow, FLOW.DROPPED, 1);
      Atomics.sub(flow, FLOW.IN_FLIGHT_SPANS, 1);
      return undefined;
    }
    // A copy the size of the entry: the slab is 64 KB, and postMessage would clone all of it.
    const entry = new Uint8Array(bytes);
    entry.set(encoded.slabs[i]!.subarray(start, start + bytes));
    const message: SpanMessage = {
      t: this._threadId,
      e: entry,
      ...this._numbering.refs(encoded.scopes[i]!, encoded.resources[i]!, full),
    };
    Atomics.add(flow, FLOW.IN_FLIGHT_BYTES, bytes);
    this._spans.postMessage(message);
    return bytes;
  }

  private _sayHello(): void {
    this._channel.postMessage({
      hello: this._threadId,
      flow: this._flow.buffer as SharedArrayBuffer,
      seq: ++this._helloSeq,
    } satisfies HelloMessage);
  }

  /**
   * The main thread answered; hello `seq` was the first it received. What was posted before it never
   * reached the main thread (its end of the channel was not open yet: its loop was busy after
   * `new Worker()`), or reached it before it knew this thread: posted again, or counted dropped if
   * not kept. Until 2026-12-07 such spans were lost without a word.
   */
  private _answered(seq: number): void {
    this._state = 'handoff';
    process.off('exit', this._onExit);
    clearTimeout(this._probe);
    clearInterval(this._helloAgain);
    const posts = this._posts;
    this._posts = [];
    this._kept = [];
    this._unkept = 0;
    const flow = this._flow;
    Atomics.store(flow, FLOW.HELD, 0);
    for (const post of posts) {
      if (post.seq >= seq) continue;
      // Never taken: its place in FLOW.IN_FLIGHT_SPANS stays for the post again, or goes with the
      // drop counted (in one step, see onEnd).
      Atomics.sub(flow, FLOW.IN_FLIGHT_BYTES, post.bytes);
      if (post.span) {
        // With a limit the thread started with (learned-limit.ts), it was truncated, counted and
        // named already.
        this._recounted = post.oversized;
        this._post(post.span, true);
        this._recounted = false;
      } else {
        Atomics.add(flow, FLOW.DROPPED, 1);
        Atomics.sub(flow, FLOW.IN_FLIGHT_SPANS, 1);
      }
    }
  }

  forceFlush(): Promise<void> {
    return Promise.all(this._fallback.map((p) => p.forceFlush())).then(() => undefined);
  }

  shutdown(): Promise<void> {
    // Still waiting: what it kept is flushed below by its own exporter, or was taken by the main thread.
    this._exportByItself();
    process.off('exit', this._onExit);
    clearTimeout(this._probe);
    clearInterval(this._helloAgain);
    if (this._state !== 'own') this._state = 'closed';
    this._channel.close();
    if (this._spans !== this._channel) this._spans.close();
    this._children.close();
    // What its exporter still held is counted (failed) by its shutdown: not lost again if terminated.
    return Promise.all(this._fallback.map((p) => p.shutdown())).then(() => {
      Atomics.store(this._flow, FLOW.HELD, 0);
    });
  }

  /**
   * No answer read yet (the probe ran out, the thread ends, or its tracing shuts down): what it
   * posted goes to the main thread if that took the thread already, else through this thread's
   * own exporter, decided once with the main thread in shared memory (FLOW.CLAIM).
   */
  private _exportByItself(): void {
    if (this._state !== 'probing') return;
    const taken = claimOwn(this._flow);
    if (taken !== undefined) {
      this._answered(taken);
      return;
    }
    this._state = 'own';
    clearInterval(this._helloAgain);
    // Learned after this thread started, before its channel was open (the main thread's word on it
    // never reached it): its own exporter cuts what it kept to it.
    const learned = this._options.learned?.() ?? 0;
    if (learned > 0) this._options.onLimit?.(learned);
    this._posts = [];
    // What it posted is not taken from here on (a late answer's peer skips it until our switch).
    Atomics.store(this._flow, FLOW.IN_FLIGHT_SPANS, 0);
    Atomics.store(this._flow, FLOW.IN_FLIGHT_BYTES, 0);
    log.debug('no traced main thread answered: this worker thread exports its spans itself');
    const kept = this._kept;
    this._kept = [];
    const holdOwn = () => this._holdOwn();
    for (const p of this._fallback) p.onHeldChange = holdOwn;
    // Left open (unref'd) until shutdown: a main thread that answers late still tells it the limit it learns.
    for (const span of kept) for (const p of this._fallback) p.onEnd(span);
    if (this._unkept > 0) {
      this._options.onLost?.(
        this._unkept,
        `more than ${this._options.keepMax} spans (maxQueueSize) ended in this worker thread while it waited ${PROBE_MILLIS / 1000} s for a traced main thread, which never answered`,
      );
      this._unkept = 0;
    }
    this._holdOwn();
  }
}

function sampled(span: ReadableSpan): boolean {
  return (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0;
}
