// The exit sender: run as a worker thread by exit-flush.ts (dist/exit-sender.js / .cjs), never
// imported. Once the `exit` event fires the main thread's event loop is gone, so the requests are
// sent from this thread's loop while the main thread blocks in `Atomics.wait` on `state`.
import { workerData } from 'node:worker_threads';
import { GrpcTransport } from '../export/otlp/grpc-transport.js';
import { sendHttpProtobuf } from './send-http.js';
import { type ExitSendJob, SLOT_DELIVERED, SLOT_DONE } from './sender-protocol.js';

const job = workerData as ExitSendJob;
const state = new Int32Array(job.state);

const grpc = job.target.kind === 'grpc' ? new GrpcTransport(job.target.options) : undefined;

async function send(request: Uint8Array): Promise<boolean> {
  if (grpc) return (await grpc.send(request, job.timeoutMillis)).status === 'success';
  if (job.target.kind !== 'http') return false;
  return sendHttpProtobuf(job.target, request, job.timeoutMillis);
}

/** A few requests at a time: the collector may limit concurrent streams per connection. */
const CONCURRENCY = 8;
let next = 0;
async function lane(): Promise<void> {
  while (next < job.requests.length) {
    const i = next++;
    const ok = await send(job.requests[i]!).catch(() => false);
    if (ok) Atomics.add(state, SLOT_DELIVERED, job.counts[i] ?? 0);
  }
}

void Promise.all(Array.from({ length: CONCURRENCY }, lane)).finally(() => {
  grpc?.shutdown();
  Atomics.store(state, SLOT_DONE, 1);
  Atomics.notify(state, SLOT_DONE);
});
