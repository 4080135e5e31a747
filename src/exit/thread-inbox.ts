import type { BroadcastChannel, MessagePort, Worker } from 'node:worker_threads';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type {
  AcmeBatchSpanProcessor,
  DropReporter,
  EncodedSpanQueue,
  ExportCounters,
  RequestSizeLimit,
} from '../export/index.js';
import { EncodedSpans } from '../export/index.js';
import { lazyRequire } from '../util/index.js';
import { learnedBytes } from './learned-limit.js';
import {
  type AckMessage,
  claimThread,
  FLOW,
  type HelloMessage,
  type LimitMessage,
  type SettledMessage,
  type SpanMessage,
  type SwitchMessage,
  spanChannelName,
  THREAD_CHANNEL,
} from './thread-channel.js';
import { countThreadLosses, reportStoppedThread } from './thread-losses.js';
import { ThreadPeer } from './thread-peer.js';
import { guardWorkerStderr } from './worker-stderr.js';

/**
 * At exit, the longest the drain waits for spans still on their way from worker threads (ended,
 * and not yet taken: FLOW.IN_FLIGHT_SPANS). It waits only while some are: a thread stopped
 * (worker.terminate()) posts nothing more, so what it counts in flight is either posted already or
 * being posted by a thread that the host has not scheduled yet; past this, what has not arrived
 * is counted lost and named in the loss line. 100 ms is several of Linux's scheduling periods
 * (CFS: 6 ms and up, 24 ms with 8 CPUs), which a thread waiting to run on a host loaded 2x its
 * cores gets within, and stays a small part of the exit's time box (shutdownTimeoutMillis, 5 s).
 */
const DRAIN_MAX_MILLIS = 100;
/**
 * A thread started by a worker thread is not stopped here (no Worker object of it in this thread):
 * its parent stops it, some time after being stopped itself, and it may end more spans meanwhile.
 * While one may still run, the drain also waits until the channel was quiet this long.
 */
const DRAIN_QUIET_MILLIS = 10;

/** What worker threads handed over that the export queue could not take, for the exit path. */
export interface ThreadLeftovers {
  readonly spans: EncodedSpans | undefined;
  /** Dropped after shutdown, when more than `maxQueueSize` waited for the exit path. */
  readonly dropped: number;
  /** Still open in the threads, which Node stops at exit without their `exit` event. */
  readonly open: number;
  /**
   * What the own exporters of threads that export by themselves (answered late, or started by a
   * thread) held as Node stops them: queued, or being exported. None of them is open (FLOW.HELD
   * counts ended spans only) or handed over (a thread hands over what its queue holds as it switches).
   */
  readonly held: readonly HeldByThread[];
  /**
   * Spans threads ended (posted, or being posted) that had not reached this thread when the drain
   * stopped waiting (DRAIN_MAX_MILLIS): counted dropped already.
   */
  readonly unreceived: readonly HeldByThread[];
  /** How long the drain read the channels, for the loss line. */
  readonly waitedMillis: number;
}

/** Spans worker thread `thread`'s own exporter held at exit. */
export interface HeldByThread {
  readonly thread: number;
  readonly spans: number;
}

/**
 * In the main thread: takes the spans worker threads hand over (thread-handoff.ts) into the main
 * thread's OTLP export queue, so they go the way its own spans go: the same batching, size split,
 * retries, stats, drop reports and exit path. The threads already truncated what was too large;
 * their losses (counted in shared memory) are added to the stats and reported here.
 * Opened at the first `worker` event, so a process without worker threads never loads
 * `worker_threads` or creates the channel. Once the queue is stopped (shutdown, exit), spans that
 * still arrive are held for the exit path; `drain()` takes them, and what is still in the channel
 * (`receiveMessageOnPort`, synchronous), at exit.
 */
export class ThreadInbox {
  private _channel: BroadcastChannel | undefined;
  private _closed = false;
  private _draining = false;
  private readonly _peers = new Map<number, ThreadPeer>();
  /** Each answered thread's own channel (`spanChannelName`), closed as it is forgotten. */
  private readonly _spanChannels = new Map<number, BroadcastChannel>();
  private _held = emptyHeld();
  private _heldDropped = 0;
  /** Worker threads alive, to stop them at exit before the last drain. */
  private readonly _workers = new Set<Worker>();
  /** Threads of this one's that ended before their hello was read (the latest ENDED_UNHEARD_MAX). */
  private readonly _endedUnheard = new Set<number>();
  private readonly _onWorker = (worker: Worker) => {
    this._open();
    guardWorkerStderr(worker);
    this._workers.add(worker);
    const id = worker.threadId;
    worker.once('exit', () => {
      this._workers.delete(worker);
      const peer = this._peers.get(id);
      if (!peer) {
        this._endedUnheard.add(id);
        if (this._endedUnheard.size > ENDED_UNHEARD_MAX) this._endedUnheard.delete(first(this._endedUnheard));
        return;
      }
      // Closed: the exit path counts what is open in the threads it stops (`drain`).
      if (!this._closed)
        reportStoppedThread(id, peer, (count) => {
          this._stats.dropped += count;
        });
      peer.exited = true;
      peer.abandon();
      this._forgetIfDone(id, peer);
    });
  };

  constructor(
    private readonly _queue: AcmeBatchSpanProcessor,
    private readonly _stats: ExportCounters,
    private readonly _reporter: DropReporter,
    /** Spans held for the exit path at most (`maxQueueSize`), after shutdown. */
    private readonly _holdMax: number,
    /**
     * The queue's exporter's request limit: once learned from the collector, the threads truncate
     * their spans to it (as this thread's queue does), not to `maxExportRequestBytes`, which the
     * collector refuses.
     */
    private readonly _sizeLimit?: RequestSizeLimit,
  ) {
    process.on('worker', this._onWorker);
    _sizeLimit?.onChange(() => {
      for (const peer of this._peers.values()) this._tellLimit(peer);
      this._broadcastLimit();
    });
  }

  /** Whether a worker thread was started (and the channel opened). */
  get opened(): boolean {
    return this._channel !== undefined;
  }

  /** Adds the threads' losses to the stats (and the drop report): for `stats()` and shutdown. */
  sync(): void {
    for (const [id, peer] of this._peers) {
      countThreadLosses(peer, this._stats, this._reporter);
      this._forgetIfDone(id, peer);
    }
  }

  /**
   * At exit: stops the threads, takes what is left in the channel, and returns what the queue did
   * not take. Deterministic, not timed: it reads until every span a thread counts in flight
   * (FLOW.IN_FLIGHT_SPANS: ended, posted or about to be) has arrived, at most DRAIN_MAX_MILLIS;
   * what has not is counted dropped and named in the exit's loss line. With nothing in flight it
   * returns as soon as the channels are empty. Until 2026-12-07 it stopped once the channel was
   * quiet for 10 ms: a span a thread posted after that (descheduled on a loaded host) was lost
   * without a word (2 runs in 14 of crash-processes' worker-thread test under load).
   */
  drain(): ThreadLeftovers {
    this._draining = true;
    const started = Date.now();
    const channel = this._channel;
    if (channel) {
      // Threads end spans until they are stopped, which Node does only after the exit handlers:
      // stop them first (their JS halts at its next interrupt check), so that no span ends after
      // the last drain; what they counted in flight is all they will post.
      const ours = new Set<number>();
      for (const worker of this._workers) {
        ours.add(worker.threadId);
        void worker.terminate();
      }
      const { receiveMessageOnPort } = lazyRequire(
        'node:worker_threads',
      ) as typeof import('node:worker_threads');
      const read = (port: BroadcastChannel) => receiveMessageOnPort(port as unknown as MessagePort);
      const pause = new Int32Array(new SharedArrayBuffer(4));
      const until = started + DRAIN_MAX_MILLIS;
      let quietSince = started;
      for (;;) {
        let received = read(channel);
        for (const spans of this._spanChannels.values()) {
          if (received !== undefined) break;
          received = read(spans);
        }
        if (received !== undefined) {
          this._receive(received.message);
          quietSince = Date.now();
          continue;
        }
        const waiting = this._awaited(ours);
        if (waiting === undefined) break;
        const now = Date.now();
        if (now >= until || (waiting === 'running' && now - quietSince >= DRAIN_QUIET_MILLIS)) break;
        Atomics.wait(pause, 0, 0, 1);
      }
    }
    // After the last read: what is still on its way never arrives.
    const unreceived: HeldByThread[] = [];
    let lostOnTheWay = 0;
    for (const [id, peer] of this._peers) {
      const spans = peer.takeUnreceived();
      if (spans === 0) continue;
      unreceived.push({ thread: id, spans });
      lostOnTheWay += spans;
    }
    this._stats.dropped += lostOnTheWay;
    let open = 0;
    const lostHeld: HeldByThread[] = [];
    for (const [id, peer] of this._peers) {
      if (peer.exited) continue;
      open += peer.openLost;
      const spans = peer.takeHeldLost();
      if (spans > 0) lostHeld.push({ thread: id, spans });
      // Said in the loss line at exit: not again by a parent thread that sees it stop.
      peer.markEnded();
    }
    this.sync();
    this.close();
    // Named in the exit's loss line: the summary at shutdown does not say them again.
    this._reporter.saidAtExit(lostOnTheWay + this._heldDropped);
    const held = this._held;
    this._held = emptyHeld();
    const none = held.entries.length === 0;
    const zeros = held.entries.map(() => 0);
    const ends = held.entries.map((entry) => entry.length);
    const spans = none ? undefined : new EncodedSpans(held.entries, zeros, ends, held.scopes, held.resources);
    const waitedMillis = Date.now() - started;
    return { spans, dropped: this._heldDropped, open, held: lostHeld, unreceived, waitedMillis };
  }

  /**
   * What the drain still waits for: `posted`, spans a thread that may still run counts in flight
   * (one that exited posted all it will: what it counts and the channel no longer holds never
   * comes; one answered late and not switched yet posts for its own exporter); `running`, a thread
   * started by a thread, which may still end spans; else nothing.
   */
  private _awaited(ours: ReadonlySet<number>): 'posted' | 'running' | undefined {
    let running = false;
    for (const [id, peer] of this._peers) {
      if (peer.exited) continue;
      if (!peer.late && peer.inFlight > 0) return 'posted';
      if (!ours.has(id) && !peer.ended) running = true;
    }
    return running ? 'running' : undefined;
  }

  close(): void {
    this._closed = true;
    process.off('worker', this._onWorker);
    this._channel?.close();
    for (const channel of this._spanChannels.values()) channel.close();
    this._spanChannels.clear();
  }

  /**
   * Before the answer: the thread's own channel, which delivers only what is posted once it is
   * open; for a thread of this one's, closed once it exited. A thread started by a thread (no
   * `exit` event here to close it on) stays on the shared channel.
   */
  private _openSpans(threadId: number): { own?: true } {
    if (!this._isOurs(threadId)) return {};
    const { BroadcastChannel: Channel } = lazyRequire(
      'node:worker_threads',
    ) as typeof import('node:worker_threads');
    const channel = new Channel(spanChannelName(threadId));
    channel.onmessage = (event: unknown) => this._receive((event as { data?: unknown }).data);
    channel.unref();
    this._spanChannels.set(threadId, channel);
    return { own: true };
  }

  private _open(): void {
    if (this._channel || this._closed) return;
    const { BroadcastChannel: Channel } = lazyRequire(
      'node:worker_threads',
    ) as typeof import('node:worker_threads');
    const channel = new Channel(THREAD_CHANNEL);
    channel.onmessage = (event: unknown) => this._receive((event as { data?: unknown }).data);
    // Spans from workers must not keep the process alive by themselves.
    channel.unref();
    this._channel = channel;
  }

  private _receive(data: unknown): void {
    const message = data as Partial<HelloMessage & SpanMessage & SettledMessage & SwitchMessage> | undefined;
    if (message?.hello !== undefined && message.flow) {
      // A hello sent again while our answer was on its way.
      if (this._peers.has(message.hello)) return;
      const flow = new Int32Array(message.flow);
      const seq = claimThread(flow, message.seq ?? 1);
      if (seq === undefined) {
        // It gave up waiting for us, or ended first: its own exporter sends what it posted, cut
        // to the limit we learned (learned before its own channel was open, the broadcast missed
        // it). A thread still running hands over what it ends from its switch on, and what its
        // own export queue holds: kept there, it is lost when the thread is terminated or the
        // process exits.
        this._broadcastLimit();
        if (!this._mayRun(message.hello, flow)) return;
        const peer = new ThreadPeer(flow);
        peer.late = true;
        this._tellLimit(peer);
        this._peers.set(message.hello, peer);
        const own = this._openSpans(message.hello);
        this._channel?.postMessage({ ack: message.hello, late: true, ...own } satisfies AckMessage);
        return;
      }
      const peer = new ThreadPeer(flow);
      this._tellLimit(peer);
      this._peers.set(message.hello, peer);
      const own = this._openSpans(message.hello);
      this._channel?.postMessage({ ack: message.hello, seq, ...own } satisfies AckMessage);
      return;
    }
    const id = message?.t;
    const peer = id === undefined ? undefined : this._peers.get(id);
    // No peer: a thread whose hello this inbox did not answer, which exports by itself after its probe.
    if (!message || id === undefined || !peer) return;
    if (message.switched) {
      peer.late = false;
    } else if (message.settled !== undefined) {
      peer.settle(message.settled, message.attributes ?? {});
    } else if (peer.late) {
      // Posted while it waited for us, before it gave up: its own exporter sent it.
    } else if (message.e && message.s !== undefined && message.r !== undefined) {
      peer.taken(message.e.byteLength);
      this._take(message as SpanMessage, peer);
      countThreadLosses(peer, this._stats, this._reporter);
      this._forgetIfDone(id, peer);
    }
  }

  /** Into the export queue while it runs; held for the exit path once it stopped. */
  private _take({ e, s, r, scope: scopeInfo, resource: resourceInfo }: SpanMessage, peer: ThreadPeer): void {
    const scope = peer.scope(s, scopeInfo);
    const resource = peer.resource(r, resourceInfo);
    if (!scope || !resource) {
      // A thread sends a scope or resource with its first span of it: never expected.
      this._stats.failed++;
      this._reporter.recordFailure(
        1,
        new Error('a worker thread sent a span of an unknown scope or resource'),
      );
      return;
    }
    const entry = Buffer.from(e.buffer, e.byteOffset, e.byteLength);
    // The queue is the OTLP one (threads.ts): an encoded queue.
    if (this._queue.accept((queue) => (queue as EncodedSpanQueue).pushEncoded(entry, scope, resource)))
      return;
    // At exit nothing more is exported before the drain returns, and the channel is bounded.
    if (!this._draining && this._held.entries.length >= this._holdMax) {
      this._heldDropped++;
      this._stats.dropped++;
      return;
    }
    this._held.entries.push(entry);
    this._held.scopes.push(scope);
    this._held.resources.push(resource);
  }

  /**
   * A thread that may still run: one of this one's, not exited; or one started by a worker thread
   * (no Worker object here), unless it ended (its exit path, or its parent seeing it stop, said so
   * in FLOW.EXITED). Until 2026-12-07 only this one's were answered late: a thread started by a
   * thread kept what it ended in its own export queue for good, lost when its parent terminated it.
   */
  private _mayRun(threadId: number, flow: Int32Array): boolean {
    if (this._isOurs(threadId)) return true;
    if (this._endedUnheard.delete(threadId)) return false;
    return Atomics.load(flow, FLOW.EXITED) !== 1;
  }

  /** A worker thread of this one's, not exited. */
  private _isOurs(threadId: number): boolean {
    for (const worker of this._workers) if (worker.threadId === threadId) return true;
    return false;
  }

  private _tellLimit(peer: ThreadPeer): void {
    peer.setRequestBytes(this._learnedBytes());
  }

  /** To the threads that export by themselves: they read no shared memory of ours. */
  private _broadcastLimit(): void {
    const limit = this._learnedBytes();
    if (limit > 0) this._channel?.postMessage({ limit } satisfies LimitMessage);
  }

  /** The limit the queue's exporter learned from the collector, 0 while none. */
  private _learnedBytes(): number {
    return learnedBytes(this._sizeLimit);
  }

  private _forgetIfDone(id: number, peer: ThreadPeer): void {
    if (peer.exited && peer.inFlight === 0) {
      countThreadLosses(peer, this._stats, this._reporter);
      this._peers.delete(id);
      this._spanChannels.get(id)?.close();
      this._spanChannels.delete(id);
    }
  }
}

/** Threads of this one's remembered as ended before their hello was read. */
const ENDED_UNHEARD_MAX = 256;

function first(set: Set<number>): number {
  return set.values().next().value as number;
}

function emptyHeld(): { entries: Buffer[]; scopes: InstrumentationScope[]; resources: Resource[] } {
  return { entries: [], scopes: [], resources: [] };
}
