import type { GrpcTransportOptions } from '../export/otlp/grpc-transport.js';

/** Where the exit sender sends: our gRPC transport's options, or an OTLP/HTTP URL. */
export type ExitTarget =
  | { readonly kind: 'grpc'; readonly options: GrpcTransportOptions }
  | {
      readonly kind: 'http';
      readonly url: string;
      readonly headers: Readonly<Record<string, string>>;
      readonly compression: 'gzip' | 'none';
    };

/** `workerData` of the exit sender thread (structured-cloned). */
export interface ExitSendJob {
  readonly target: ExitTarget;
  /** ExportTraceServiceRequest bytes, sent concurrently. */
  readonly requests: Uint8Array[];
  /** Spans in each request. */
  readonly counts: number[];
  readonly timeoutMillis: number;
  /** Int32 slots shared with the waiting main thread. */
  readonly state: SharedArrayBuffer;
}

/** Set to 1 (and notified) once every request settled. */
export const SLOT_DONE = 0;
/** Spans the collector acknowledged so far. */
export const SLOT_DELIVERED = 1;
export const STATE_SLOTS = 2;
