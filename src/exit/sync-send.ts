import type { MessagePort, Worker } from 'node:worker_threads';
import { errorMessage } from '../errors.js';
import { lazyRequire } from '../util/index.js';
import {
  type ExitSenderData,
  type ExitSendItem,
  type ExitSendJob,
  type ExitSendOutcome,
  type ExitSplitAsk,
  type ExitSplitParts,
  type ExitTarget,
  SLOT_DELIVERED,
  SLOT_DONE,
  SLOT_SIGNAL,
  STATE_SLOTS,
} from './sender-protocol.js';

export interface SyncSendResult {
  /** Spans the collector acknowledged. */
  readonly delivered: number;
  /** Why the rest was not, when some was not. */
  readonly cause?: string;
}

export interface SyncSender {
  /**
   * Hands the requests over and blocks until they are answered or the deadline passed. `split`
   * builds the parts of request `id` when the collector refused it as too large (exit-requests.ts).
   */
  send(
    items: ExitSendItem[],
    split: (id: number, stated?: number) => ExitSplitParts,
    deadline: number,
  ): SyncSendResult;
}

/**
 * Sends OTLP requests while the calling thread blocks; for the `exit` event, when no event-loop
 * work of this thread will ever run again. A worker thread (dist/exit-sender) does the I/O on its
 * own loop with its own connection, and this thread waits on shared memory with `Atomics.wait`,
 * waking only to build the parts of a request the collector refused as too large (it holds the
 * spans). Starting the thread costs 40–80 ms, so it is started only when something is pending,
 * and before the requests are built, which then happens while it boots. A hung or unreachable
 * collector costs at most the deadline.
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
    const url = senderUrl();
    // A thread whose file is missing fails after it started, which this thread, blocked in
    // Atomics.wait, never learns: it waited out the whole time box, then blamed the collector.
    if (url.protocol === 'file:' && !(lazyRequire('node:fs') as typeof import('node:fs')).existsSync(url)) {
      const file = (lazyRequire('node:url') as typeof import('node:url')).fileURLToPath(url);
      throw new Error(
        `${file} is missing: a bundle of @acme/otel needs dist/exit-sender.cjs (or .js) beside it, README, Bundlers`,
      );
    }
    worker = new threads.Worker(url, {
      workerData: { target, timeoutMillis, state, outcome: channel.port2 } satisfies ExitSenderData,
      transferList: [channel.port2],
      // Neither the app's preloads (our own register among them) nor its flags belong in here.
      execArgv: [],
      stdout: true,
      stderr: true,
    });
  } catch (error) {
    // Node's permission model without --allow-worker (Node 20's message does not name the flag).
    const denied = (error as { code?: unknown }).code === 'ERR_ACCESS_DENIED';
    const cause = `the exit sender could not start (${(error as Error).message}${denied ? '; the exit path needs --allow-worker' : ''})`;
    return { send: () => ({ delivered: 0, cause }) };
  }
  return {
    send(items, split, deadline) {
      let said: string[] = [];
      let unsplit: string | undefined;
      let splits = 0;
      /** Reads what the thread posted: its causes so far, and splits to build (answered at once, if `build`). */
      const read = (build: boolean) => {
        for (let m = receive(outcome); m; m = receive(outcome)) {
          const message = m.message as ExitSendOutcome | ExitSplitAsk;
          if ('causes' in message) {
            said = message.causes;
            continue;
          }
          if (!build) continue;
          let answer: ExitSplitParts = { parts: [] };
          if (!message.ahead) splits++;
          try {
            answer = split(message.split, message.limit);
          } catch (error) {
            unsplit ??= `a request the collector refused as too large could not be split (${errorMessage(error)})`;
          }
          worker.postMessage(answer satisfies ExitSplitParts);
        }
      };
      // Copied, not transferred: a pooled Buffer's memory is shared with other buffers of this thread.
      worker.postMessage({ items, deadline } satisfies ExitSendJob);
      for (;;) {
        // Read before the messages: a signal after it makes the wait below return at once.
        const seen = Atomics.load(slots, SLOT_SIGNAL);
        read(true);
        if (Atomics.load(slots, SLOT_DONE) === 1) break;
        const left = deadline - Date.now();
        if (left <= 0) break;
        Atomics.wait(slots, SLOT_SIGNAL, seen, left);
      }
      const delivered = Atomics.load(slots, SLOT_DELIVERED);
      const finished = Atomics.load(slots, SLOT_DONE) === 1;
      void worker.terminate();
      // The causes are posted before SLOT_DONE is set: there by now. Splits asked now are not built.
      read(false);
      outcome.close();
      const causes = unsplit === undefined ? said : [...said, unsplit];
      if (!finished) {
        // The collector may have answered every request, each "too large" down to single spans.
        const splitting =
          splits > 0
            ? `, while sending the parts of ${splits} request${splits === 1 ? '' : 's'} it refused as too large`
            : '';
        const timedOut = `the collector did not answer within ${timeoutMillis} ms${splitting}`;
        return { delivered, cause: [...causes, timedOut].join('; ') };
      }
      const total = items.reduce((sum, item) => sum + item.count, 0);
      if (delivered === total) return { delivered };
      return { delivered, cause: causes.length > 0 ? causes.join('; ') : 'unknown' };
    },
  };
}

/** dist/exit-sender.js (ESM build) or dist/exit-sender.cjs, next to the file running this. */
function senderUrl(): URL {
  const here = import.meta.url;
  return new URL(here.endsWith('.cjs') ? './exit-sender.cjs' : './exit-sender.js', here);
}
