import type { Attributes } from '@opentelemetry/api';

/** The BroadcastChannel worker threads say hello to the main thread on (and hand it their spans until answered). */
export const THREAD_CHANNEL = '@acme/otel/thread-spans';

/**
 * The channel thread `threadId` hands its spans on once answered (AckMessage `own`), which only
 * the main thread opens: on the shared one, every thread decoded every other thread's spans
 * (with 8 threads ending 2,000 spans each, 14,000 per thread; see docs/safety.md).
 */
export function spanChannelName(threadId: number): string {
  return `${THREAD_CHANNEL}/${threadId}`;
}

/**
 * Slots of a thread's flow counters (an Int32Array on a SharedArrayBuffer the thread sends with
 * its hello). The thread adds a span to IN_FLIGHT_SPANS as it ends it (as it leaves OPEN, before
 * it is encoded and posted; thread-handoff.ts onEnd), and its bytes to IN_FLIGHT_BYTES as it posts
 * it; the main thread takes both off as it queues it. So the thread knows, without waiting on the
 * main thread's event loop, how much the channel holds for it, and the main thread knows at exit
 * how many spans are still on their way (posted, or ended and about to be) and waits for them.
 * The loss counters only grow; the main thread adds what is new to its stats.
 */
export const FLOW = {
  IN_FLIGHT_SPANS: 0,
  IN_FLIGHT_BYTES: 1,
  /** Not posted: the channel already held the most allowed (the main thread's loop was busy). */
  DROPPED: 2,
  /** Too large for an export request: sent truncated. */
  TRUNCATED: 3,
  /** Too large for an export request even truncated: not sent. */
  TOO_LARGE: 4,
  /** Could not be encoded (a throwing getter in user code, say). */
  UNENCODABLE: 5,
  /** The bounds the thread applies, for the main thread's drop line. */
  MAX_SPANS: 6,
  MAX_BYTES: 7,
  /**
   * Main → thread: the request limit the main thread's exporter learned from the collector
   * (request-size-limit.ts), which the thread truncates its spans to; 0: none, `maxExportRequestBytes`.
   */
  REQUEST_BYTES: 8,
  /**
   * Who sends the spans the thread posted before it read the main thread's answer, decided once
   * (compare-exchange from 0): the main thread, from hello N on (N > 0, stored as it takes the
   * thread on that hello), or the thread's own exporter (CLAIM_OWN, stored as it gives up waiting
   * or ends). Both had sent them: a thread that ended, or gave up, before reading an answer the
   * main thread had sent exported what the main thread took too.
   */
  CLAIM: 9,
  /** Thread → main: its spans started and not ended yet (sampled ones). */
  OPEN: 10,
  /** Thread → main: 1 once its `exit` event ran (its exit path ends and sends what is open). */
  EXITED: 11,
  /**
   * Thread → whoever sees it stop: the spans it would lose if stopped now without its `exit` event
   * (worker.terminate()), unless the main thread took it (FLOW.CLAIM > 0): those its own exporter
   * holds (queued, or being exported), or, while it waits for an answer, those it posted.
   */
  HELD: 12,
} as const;
export const FLOW_SLOTS = 13;
/** FLOW.CLAIM: the thread exports by itself; the main thread must leave its spans. */
export const CLAIM_OWN = -1;

/**
 * Worker → main: is a traced main thread listening? `flow`: the thread's counters (FLOW). Sent
 * again every HELLO_AGAIN_MILLIS until answered, numbered (`seq`): the main thread opens its end of
 * the channel only at its first `worker` event, a tick after `new Worker()`, and a BroadcastChannel
 * delivers nothing posted before that.
 */
export interface HelloMessage {
  readonly hello: number;
  readonly flow: SharedArrayBuffer;
  readonly seq?: number;
}
/**
 * Main → worker: yes (`ack` = the thread id; `seq`, the first hello it received: what the thread
 * posted before that one never reached it, or reached it before it knew the thread).
 */
export interface AckMessage {
  readonly ack: number;
  readonly seq?: number;
  /**
   * The hello came after the thread had given up waiting (FLOW.CLAIM): what it posted so far is
   * its own exporter's; from its SwitchMessage on, it hands its spans over, and what its own
   * exporter still queues.
   */
  readonly late?: boolean;
  /** The main thread opened the thread's own channel (`spanChannelName`): it hands over there from now on. */
  readonly own?: true;
}

/**
 * Worker → main: after a late answer, the spans it posts from now on are the main thread's (those
 * it posted before this, while waiting, its own exporter sent).
 */
export interface SwitchMessage {
  readonly t: number;
  readonly switched: true;
}

/**
 * Main thread, at hello `seq`: takes the thread's spans from that hello on, unless it exports by
 * itself. The hello it took the thread at (an earlier one if it already had), or undefined.
 */
export function claimThread(flow: Int32Array, seq: number): number | undefined {
  const claimed = Atomics.compareExchange(flow, FLOW.CLAIM, 0, seq);
  if (claimed === CLAIM_OWN) return undefined;
  return claimed === 0 ? seq : claimed;
}

/**
 * Thread: exports by itself, unless the main thread took it already. The hello the main thread
 * took it at, or undefined (its own from now on).
 */
export function claimOwn(flow: Int32Array): number | undefined {
  const claimed = Atomics.compareExchange(flow, FLOW.CLAIM, 0, CLAIM_OWN);
  return claimed > 0 ? claimed : undefined;
}

/**
 * Main → worker threads: the request limit its exporter learned from the collector (0: none), for
 * a thread that exports by itself (it gave up waiting for the main thread's answer, or ends before
 * reading it). A thread the main thread took learns it in shared memory (FLOW.REQUEST_BYTES).
 */
export interface LimitMessage {
  readonly limit: number;
}

/** How often a thread says hello again while no main thread has answered. */
export const HELLO_AGAIN_MILLIS = 50;

/** An instrumentation scope, the first time a thread sends a span of it. */
export interface ScopeInfo {
  readonly name: string;
  readonly version?: string | undefined;
  readonly schemaUrl?: string | undefined;
}

/**
 * A resource, the first time a thread sends a span of it: its attributes, and the keys of those
 * still being detected (a SettledMessage follows with the final attributes).
 */
export interface ResourceInfo {
  readonly attributes: Attributes;
  readonly pending: readonly string[];
  readonly schemaUrl?: string | undefined;
}

/**
 * Worker → main: one span, as its `ScopeSpans.spans` entry (`e`), from thread `t`, of scope `s`
 * and resource `r` (numbers the thread gave them; `scope`/`resource` the first time).
 */
export interface SpanMessage {
  readonly t: number;
  readonly e: Uint8Array;
  readonly s: number;
  readonly r: number;
  readonly scope?: ScopeInfo;
  readonly resource?: ResourceInfo;
}

/** Worker → main: resource `settled` of thread `t` has its final attributes. */
export interface SettledMessage {
  readonly t: number;
  readonly settled: number;
  readonly attributes: Attributes;
}

export type ThreadMessage = HelloMessage | SpanMessage | SettledMessage | SwitchMessage;

/**
 * Whether this is a worker thread, without loading `node:worker_threads` at start-up: there,
 * Node replaces `process.abort` with a stub marked `disabled` (see autostart.ts).
 */
export function inWorkerThread(): boolean {
  return (process.abort as { disabled?: unknown }).disabled === true;
}
