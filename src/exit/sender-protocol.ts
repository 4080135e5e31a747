import type { MessagePort } from 'node:worker_threads';
import type { ResolvedConfig } from '../types.js';

/**
 * Where the exit sender sends: the exporter's settings, resolved into transport options in the
 * sender thread (that loads node:http for header validation, ~50 ms on a busy host, off the main
 * thread and in parallel with building the requests).
 */
export interface ExitTarget {
  readonly kind: 'grpc' | 'http';
  readonly config: Pick<ResolvedConfig, 'endpoint' | 'headers' | 'compression' | 'tlsFiles'>;
  /** Said after an unreachable collector, as the drop reporter says it (a proxy variable not used). */
  readonly unreachableNote?: string;
}

/** `workerData` of the exit sender thread (structured-cloned). */
export interface ExitSenderData {
  readonly target: ExitTarget;
  readonly timeoutMillis: number;
  /** Int32 slots shared with the waiting main thread. */
  readonly state: SharedArrayBuffer;
  /**
   * Where the thread posts to the waiting main thread (read with receiveMessageOnPort): its
   * {@link ExitSendOutcome}s, and an {@link ExitSplitAsk} for each request refused as too large.
   */
  readonly outcome: MessagePort;
}

/** One ExportTraceServiceRequest to send. */
export interface ExitSendItem {
  /** The main thread's name for its spans: a request refused as too large is split by this id. */
  readonly id: number;
  readonly request: Uint8Array;
  /** Spans in the request. */
  readonly count: number;
  /** For a request of one span: how loss lines name it (`span "…" (trace …, span …)`). */
  readonly label?: string;
}

/** Main → thread: the requests, posted once built (the thread starts while they are being built). */
export interface ExitSendJob {
  readonly items: ExitSendItem[];
  /** When the main thread stops waiting (epoch ms): no call and no retry goes past it. */
  readonly deadline: number;
}

/**
 * Thread → main: the collector refused request `split` as too large; the main thread, which holds
 * its spans, answers with an {@link ExitSplitParts} (and bumps nothing: the thread waits for it).
 */
export interface ExitSplitAsk {
  readonly split: number;
  /** The limit the collector stated (stated-limit.ts), in bytes: the parts are cut to fit it. */
  readonly limit?: number;
  /**
   * Not sent yet: larger than a limit the collector stated for an earlier request, so cut before
   * it is sent (not counted among the requests it refused).
   */
  readonly ahead?: boolean;
}

/** Main → thread: the parts of a request the collector refused as too large (empty: they could not be built). */
export interface ExitSplitParts {
  readonly parts: ExitSendItem[];
  /**
   * The stated limit the parts were cut to, when it was used (it leaves room for a span): the
   * thread then asks for the parts of every later request larger than it before sending it.
   */
  readonly limit?: number;
}

/**
 * Thread → main: why spans were not delivered so far, as loss lines name it
 * (export/collector-cause.ts): the first failed request's cause, the spans too large for the
 * collector even alone, and what it rejected of the requests it took (partial success). Posted
 * again each time it changes, so that a main thread that stops waiting at its deadline has them.
 */
export interface ExitSendOutcome {
  readonly causes: string[];
}

/** Set to 1 once every request settled. */
export const SLOT_DONE = 0;
/** Spans the collector acknowledged so far. */
export const SLOT_DELIVERED = 1;
/** Bumped (and notified) when the main thread has something to do: a split asked, or SLOT_DONE set. */
export const SLOT_SIGNAL = 2;
export const STATE_SLOTS = 3;
