// The exit sender: run as a worker thread by sync-send.ts (dist/exit-sender.js / .cjs), never
// imported. Once the `exit` event fires the main thread's event loop is gone, so the requests are
// sent from this thread's loop while the main thread blocks in `Atomics.wait` on `state`.
import { parentPort, workerData } from 'node:worker_threads';
import { grpcTransportOptions } from '../export/otlp/grpc-options.js';
import { GrpcTransport } from '../export/otlp/grpc-transport.js';
import type { ResolvedConfig } from '../types.js';
import { sendHttpProtobuf } from './send-http.js';
import { type ExitSenderData, type ExitSendJob, SLOT_DELIVERED, SLOT_DONE } from './sender-protocol.js';

/** A few requests at a time: the collector may limit concurrent streams per connection. */
const CONCURRENCY = 8;

const { target, timeoutMillis, state: buffer } = workerData as ExitSenderData;
const state = new Int32Array(buffer);
const grpc =
  target.kind === 'grpc'
    ? new GrpcTransport(grpcTransportOptions(target.config as ResolvedConfig))
    : undefined;

async function send(request: Uint8Array): Promise<boolean> {
  if (grpc) return (await grpc.send(request, timeoutMillis)).status === 'success';
  if (target.kind !== 'http') return false;
  return sendHttpProtobuf(target, request, timeoutMillis);
}

parentPort?.once('message', (job: ExitSendJob) => {
  let next = 0;
  const lane = async () => {
    while (next < job.requests.length) {
      const i = next++;
      const ok = await send(job.requests[i]!).catch(() => false);
      if (ok) Atomics.add(state, SLOT_DELIVERED, job.counts[i] ?? 0);
    }
  };
  void Promise.all(Array.from({ length: CONCURRENCY }, lane)).finally(() => {
    grpc?.shutdown();
    Atomics.store(state, SLOT_DONE, 1);
    Atomics.notify(state, SLOT_DONE);
  });
});
