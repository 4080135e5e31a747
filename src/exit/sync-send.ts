import type { MessagePort, Worker } from 'node:worker_threads';
import { lazyRequire } from '../util/index.js';
import {
  type ExitSenderData,
  type ExitSendOutcome,
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

export interface SyncSender {
  /** Hands the requests over and blocks until they are answered or the deadline passed. */
  send(requests: Uint8Array[], counts: number[], deadline: number): SyncSendResult;
}

/**
 * Sends OTLP requests while the calling thread blocks; for the `exit` event, when no event-loop
 * work of this thread will ever run again. A worker thread (dist/exit-sender) does the I/O on its
 * own loop with its own connection, and this thread waits on shared memory with `Atomics.wait`.
 * Starting it costs 40–80 ms, so it is started only when something is pending, and before the
 * requests are built, which then happens while it boots. A hung or unreachable collector costs
 * at most the deadline.
 */
export function startSyncSender(target: ExitTarget, timeoutMillis: number): SyncSender {
  const state = new SharedArrayBuffer(4 * STATE_SLOTS);
  const slots = new Int32Array(state);
  let worker: Worker;
  let outcome: MessagePort;
  let receive: (port: MessagePort) => { message: unknown } | undefined;
  try {
    // Loaded here, not at start-up: only an exit with spans pending needs it.
    const threads = lazyRequire('node:worker_threads') as typeof import('node:worker_threads');
    const channel = new threads.MessageChannel();
    outcome = channel.port1;
    receive = threads.receiveMessageOnPort;
    worker = new threads.Worker(senderUrl(), {
      workerData: { target, timeoutMillis, state, outcome: channel.port2 } satisfies ExitSenderData,
      transferList: [channel.port2],
      // Neither the app's preloads (our own register among them) nor its flags belong in here.
      execArgv: [],
      stdout: true,
      stderr: true,
    });
  } catch (error) {
    const cause = `the exit sender could not start (${(error as Error).message})`;
    return { send: () => ({ delivered: 0, cause }) };
  }
  return {
    send(requests, counts, deadline) {
      // Copied, not transferred: a pooled Buffer's memory is shared with other buffers of this thread.
      worker.postMessage({ requests, counts });
      while (Atomics.load(slots, SLOT_DONE) === 0) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        Atomics.wait(slots, SLOT_DONE, 0, left);
      }
      const delivered = Atomics.load(slots, SLOT_DELIVERED);
      const finished = Atomics.load(slots, SLOT_DONE) === 1;
      void worker.terminate();
      const said = receive(outcome)?.message as ExitSendOutcome | undefined;
      outcome.close();
      if (!finished) return { delivered, cause: `the collector did not answer within ${timeoutMillis} ms` };
      const total = counts.reduce((a, b) => a + b, 0);
      if (delivered === total) return { delivered };
      // Posted before SLOT_DONE was set: there by now.
      const causes = said?.causes ?? [];
      return { delivered, cause: causes.length > 0 ? causes.join('; ') : 'unknown' };
    },
  };
}

/** dist/exit-sender.js (ESM build) or dist/exit-sender.cjs, next to the file running this. */
function senderUrl(): URL {
  const here = import.meta.url;
  return new URL(here.endsWith('.cjs') ? './exit-sender.cjs' : './exit-sender.js', here);
}
