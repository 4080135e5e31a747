// The exit sender: run as a worker thread by sync-send.ts (dist/exit-sender.js / .cjs), never
// imported. Once the `exit` event fires the main thread's event loop is gone, so the requests are
// sent from this thread's loop while the main thread blocks in `Atomics.wait` on `state`.
import { parentPort, workerData } from 'node:worker_threads';
// The sender thread is its own entry (dist/exit-sender.*), started at exit: it imports the
// transport files it needs, not export/index.ts, so its bundle does not take in the whole export path.
import { grpcTransportOptions } from '../export/otlp/grpc-options.js';
import { GrpcStatusError } from '../export/otlp/grpc-status.js';
import { GrpcTransport } from '../export/otlp/grpc-transport.js';
import { HttpStatusError } from '../export/otlp/http-answer.js';
import { httpTransportOptions } from '../export/otlp/http-options.js';
import { HttpTransport } from '../export/otlp/http-transport.js';
import type { ResolvedConfig } from '../types.js';
import {
  type ExitSenderData,
  type ExitSendJob,
  GRPC_FAILURE_BASE,
  NETWORK_FAILURE,
  SLOT_DELIVERED,
  SLOT_DONE,
  SLOT_FAILURE,
} from './sender-protocol.js';

/** A few requests at a time: the collector may limit concurrent streams per connection. */
const CONCURRENCY = 8;

const { target, timeoutMillis, state: buffer } = workerData as ExitSenderData;
const state = new Int32Array(buffer);
// The exporter's own transport, from the same settings: headers checked, TLS from the certificate
// variables (the HTTP sender had none, so an https collector behind a private CA got nothing at exit).
const config = target.config as ResolvedConfig;
const transport =
  target.kind === 'grpc'
    ? new GrpcTransport(grpcTransportOptions(config))
    : new HttpTransport(httpTransportOptions(config));

/** 0 when the collector took the request, else why not (sender-protocol.ts, SLOT_FAILURE). */
async function send(request: Uint8Array): Promise<number> {
  const response = await transport.send(request, timeoutMillis);
  if (response.status === 'success') return 0;
  const error: unknown = response.status === 'failure' ? response.error : undefined;
  if (error instanceof GrpcStatusError) return GRPC_FAILURE_BASE + error.code;
  return error instanceof HttpStatusError ? error.code : NETWORK_FAILURE;
}

parentPort?.once('message', (job: ExitSendJob) => {
  let next = 0;
  const lane = async () => {
    while (next < job.requests.length) {
      const i = next++;
      const failure = await send(job.requests[i]!).catch(() => NETWORK_FAILURE);
      if (failure === 0) Atomics.add(state, SLOT_DELIVERED, job.counts[i] ?? 0);
      else Atomics.compareExchange(state, SLOT_FAILURE, 0, failure);
    }
  };
  void Promise.all(Array.from({ length: CONCURRENCY }, lane)).finally(() => {
    transport.shutdown();
    Atomics.store(state, SLOT_DONE, 1);
    Atomics.notify(state, SLOT_DONE);
  });
});
