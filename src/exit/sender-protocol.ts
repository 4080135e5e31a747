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
  /** Where the thread posts its {@link ExitSendOutcome} before it sets SLOT_DONE (read with receiveMessageOnPort). */
  readonly outcome: MessagePort;
}

/**
 * Why spans were not delivered, as loss lines name it (export/collector-cause.ts): the first
 * failed request's cause, and what the collector rejected of the requests it took (partial success).
 */
export interface ExitSendOutcome {
  readonly causes: string[];
}

/** The requests, posted once built (the thread starts while they are being built). */
export interface ExitSendJob {
  /** ExportTraceServiceRequest bytes. */
  readonly requests: Uint8Array[];
  /** Spans in each request. */
  readonly counts: number[];
}

/** Set to 1 (and notified) once every request settled. */
export const SLOT_DONE = 0;
/** Spans the collector acknowledged so far. */
export const SLOT_DELIVERED = 1;
export const STATE_SLOTS = 2;
