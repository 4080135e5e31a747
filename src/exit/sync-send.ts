import type { Worker } from 'node:worker_threads';
import { lazyRequire } from '../lazy-require.js';
import {
  type ExitSendJob,
  type ExitTarget,
  SLOT_DELIVERED,
  SLOT_DONE,
  STATE_SLOTS,
} from './sender-protocol.js';

export interface SyncSendResult {
  /** Spans the collector acknowledged. */
  readonly delivered: number;
  /** Why the rest was not, when some was not. */
  readonly cause?: string;
}

/**
 * Sends OTLP requests and blocks the calling thread until they are answered or `timeoutMillis`
 * has passed; for the `exit` event, when no event-loop work of this thread will ever run again.
 * A worker thread (dist/exit-sender) does the I/O on its own loop with its own connection, and
 * this thread waits on shared memory with `Atomics.wait`. Starting it costs 30–60 ms, so it is only
 * started when something is pending. A hung or unreachable collector costs at most the timeout.
 */
export function sendSync(
  target: ExitTarget,
  requests: Uint8Array[],
  counts: number[],
  timeoutMillis: number,
): SyncSendResult {
  const deadline = Date.now() + timeoutMillis;
  const state = new SharedArrayBuffer(4 * STATE_SLOTS);
  const slots = new Int32Array(state);
  // Copied, not transferred: a pooled Buffer's memory is shared with other buffers of this thread.
  const job: ExitSendJob = { target, requests, counts, timeoutMillis, state };
  let worker: Worker;
  try {
    // Loaded here, not at start-up: only an exit with spans pending needs it.
    const { Worker: WorkerThread } = lazyRequire(
      'node:worker_threads',
    ) as typeof import('node:worker_threads');
    worker = new WorkerThread(senderUrl(), {
      workerData: job,
      // Neither the app's preloads (our own register among them) nor its flags belong in here.
      execArgv: [],
      stdout: true,
      stderr: true,
    });
  } catch (error) {
    return { delivered: 0, cause: `the exit sender could not start (${(error as Error).message})` };
  }
  while (Atomics.load(slots, SLOT_DONE) === 0) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    Atomics.wait(slots, SLOT_DONE, 0, left);
  }
  const delivered = Atomics.load(slots, SLOT_DELIVERED);
  const finished = Atomics.load(slots, SLOT_DONE) === 1;
  void worker.terminate();
  if (finished)
    return delivered === sum(counts)
      ? { delivered }
      : { delivered, cause: 'the collector refused or failed the export' };
  return { delivered, cause: `the collector did not answer within ${timeoutMillis} ms` };
}

/** dist/exit-sender.js (ESM build) or dist/exit-sender.cjs, next to the file running this. */
function senderUrl(): URL {
  const here = import.meta.url;
  return new URL(here.endsWith('.cjs') ? './exit-sender.cjs' : './exit-sender.js', here);
}

function sum(values: number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
