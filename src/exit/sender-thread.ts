// The exit sender: run as a worker thread by sync-send.ts (dist/exit-sender.js / .cjs), never
// imported. Once the `exit` event fires the main thread's event loop is gone, so the requests are
// sent from this thread's loop while the main thread blocks in `Atomics.wait` on `state`.
import { parentPort, workerData } from 'node:worker_threads';
// The sender thread is its own entry (dist/exit-sender.*), started at exit: it imports the
// transport files it needs, not export/index.ts, so its bundle does not take in the whole export path.
import { collectorCause, collectorNaming } from '../export/collector-cause.js';
import { groupThousands } from '../export/drop-reporter.js';
import { grpcTransportOptions } from '../export/otlp/grpc-options.js';
import { GrpcTransport } from '../export/otlp/grpc-transport.js';
import { httpTransportOptions } from '../export/otlp/http-options.js';
import { HttpTransport } from '../export/otlp/http-transport.js';
import { decodePartialSuccess, type PartialSuccess } from '../export/otlp/response.js';
import type { ResolvedConfig } from '../types.js';
import {
  type ExitSenderData,
  type ExitSendJob,
  type ExitSendOutcome,
  SLOT_DELIVERED,
  SLOT_DONE,
} from './sender-protocol.js';

/** A few requests at a time: the collector may limit concurrent streams per connection. */
const CONCURRENCY = 8;

const { target, timeoutMillis, state: buffer, outcome } = workerData as ExitSenderData;
const state = new Int32Array(buffer);
// The exporter's own transport, from the same settings: headers checked, TLS from the certificate
// variables (the HTTP sender had none, so an https collector behind a private CA got nothing at exit).
const config = target.config as ResolvedConfig;
const transport =
  target.kind === 'grpc'
    ? new GrpcTransport(grpcTransportOptions(config))
    : new HttpTransport(httpTransportOptions(config));
// Named as the exporter's loss lines name it: the line said "gRPC status 14 UNAVAILABLE" for a
// collector that refused the connection, and nothing of a partial success's rejected spans.
const naming = collectorNaming(config.endpoint, target.unreachableNote);
let failure: string | undefined;
let rejected = 0;
let rejectMessage = '';

async function send(request: Uint8Array, count: number): Promise<void> {
  let error: unknown;
  try {
    const response = await transport.send(request, timeoutMillis);
    if (response.status === 'success') {
      const partial = readPartial(response.data);
      const refused = Math.min(count, partial?.rejectedSpans ?? 0);
      Atomics.add(state, SLOT_DELIVERED, count - refused);
      if (refused > 0) {
        rejected += refused;
        rejectMessage ||= partial?.errorMessage ?? '';
      }
      return;
    }
    error = response.status === 'failure' ? response.error : new Error('the collector asked for a retry');
  } catch (thrown) {
    error = thrown;
  }
  failure ??= collectorCause(error, naming);
}

/** An unreadable answer to an OK call is still a success, as for the exporter (span-exporter.ts). */
function readPartial(data: Uint8Array | undefined): PartialSuccess | undefined {
  try {
    return data === undefined ? undefined : decodePartialSuccess(data);
  } catch {
    return undefined;
  }
}

function causes(): string[] {
  const said: string[] = [];
  if (failure !== undefined) said.push(failure);
  if (rejected > 0) {
    const at = naming.endpoint ? ` at ${naming.endpoint}` : '';
    said.push(
      `collector${at} rejected ${groupThousands(rejected)} span${rejected === 1 ? '' : 's'} (partial success): ${rejectMessage || 'no message'}`,
    );
  }
  return said;
}

parentPort?.once('message', (job: ExitSendJob) => {
  let next = 0;
  const lane = async () => {
    while (next < job.requests.length) {
      const i = next++;
      await send(job.requests[i]!, job.counts[i] ?? 0);
    }
  };
  void Promise.all(Array.from({ length: CONCURRENCY }, lane)).finally(() => {
    transport.shutdown();
    // Before SLOT_DONE: the main thread reads it as soon as it wakes.
    outcome.postMessage({ causes: causes() } satisfies ExitSendOutcome);
    Atomics.store(state, SLOT_DONE, 1);
    Atomics.notify(state, SLOT_DONE);
  });
});
