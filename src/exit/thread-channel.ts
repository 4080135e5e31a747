/** The BroadcastChannel worker threads hand their spans to the main thread on. */
export const THREAD_CHANNEL = '@acme/otel/thread-spans';

/** Worker → main: one ExportTraceServiceRequest (`r`) holding `n` spans. */
export interface SpanMessage {
  readonly r: Uint8Array;
  readonly n: number;
}
/** Worker → main: is a traced main thread listening? Main → worker: yes (`ack` = the thread id). */
export interface HelloMessage {
  readonly hello?: number;
  readonly ack?: number;
}

/**
 * Whether this is a worker thread, without loading `node:worker_threads` at start-up: there,
 * Node replaces `process.abort` with a stub marked `disabled` (see autostart.ts).
 */
export function inWorkerThread(): boolean {
  return (process.abort as { disabled?: unknown }).disabled === true;
}
