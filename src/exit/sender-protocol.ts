import type { ResolvedConfig } from '../types.js';

/**
 * Where the exit sender sends: the exporter's settings, resolved into transport options in the
 * sender thread (that loads node:http for header validation, ~50 ms on a busy host, off the main
 * thread and in parallel with building the requests).
 */
export interface ExitTarget {
  readonly kind: 'grpc' | 'http';
  readonly config: Pick<ResolvedConfig, 'endpoint' | 'headers' | 'compression' | 'tlsFiles'>;
}

/** `workerData` of the exit sender thread (structured-cloned). */
export interface ExitSenderData {
  readonly target: ExitTarget;
  readonly timeoutMillis: number;
  /** Int32 slots shared with the waiting main thread. */
  readonly state: SharedArrayBuffer;
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
/** Why the first request failed: an HTTP status, GRPC_FAILURE_BASE + a gRPC status, or NETWORK_FAILURE. */
export const SLOT_FAILURE = 2;
export const STATE_SLOTS = 3;
export const GRPC_FAILURE_BASE = 1000;
export const NETWORK_FAILURE = 1;
