// The exit sender: run as a worker thread by sync-send.ts (dist/exit-sender.js / .cjs), never
// imported. Once the `exit` event fires the main thread's event loop is gone, so the requests are
// sent from this thread's loop while the main thread blocks in `Atomics.wait` on `state`.
import { parentPort, workerData } from 'node:worker_threads';
// The sender thread is its own entry (dist/exit-sender.*), started at exit: it imports the
// transport files it needs, not export/index.ts, so its bundle does not take in the whole export path.
import { collectorCause, collectorNaming } from '../export/collector-cause.js';
import { describeExportError, isRetryableExportError } from '../export/export-errors.js';
import { grpcTransportOptions } from '../export/otlp/grpc-options.js';
import { GrpcTransport } from '../export/otlp/grpc-transport.js';
import { httpTransportOptions } from '../export/otlp/http-options.js';
import { HttpTransport } from '../export/otlp/http-transport.js';
import { decodePartialSuccess, type PartialSuccess } from '../export/otlp/response.js';
import { type Backoff, retryWait } from '../export/retry-wait.js';
import { statedSizeLimit } from '../export/stated-limit.js';
import { isTooLargeAnswer } from '../export/too-large-answer.js';
import type { ResolvedConfig } from '../types.js';
import { groupThousands } from '../util/group-thousands.js';
import {
  type ExitSenderData,
  type ExitSendItem,
  type ExitSendJob,
  type ExitSendOutcome,
  type ExitSplitAsk,
  type ExitSplitParts,
  SLOT_DELIVERED,
  SLOT_DONE,
  SLOT_SIGNAL,
} from './sender-protocol.js';

/** A few requests at a time: the collector may limit concurrent streams per connection. */
const CONCURRENCY = 8;
/** Spans too large alone named in the loss line; the rest are counted. */
const NAMED = 3;
/** The retrying exporter's backoff (export/retrying-exporter.ts): a collector restarting gets the same chance at exit. */
const BACKOFF: Backoff = {
  initialMillis: 200,
  maxMillis: 1_000,
  maxThrottledMillis: 5_000,
  random: Math.random,
};

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
/** When the main thread stops waiting (the job's): retries stop in time for it. */
let deadline = Number.POSITIVE_INFINITY;
/** Why each request waiting for a retry failed: said if the main thread stops waiting first. */
const retrying = new Map<number, string>();
let rejected = 0;
let rejectMessage = '';
/** Spans the collector refused as too large even alone: how many, the first few named, its first answer. */
let tooLarge = 0;
const tooLargeNamed: string[] = [];
let tooLargeAnswer = '';

const waiting: ExitSendItem[] = [];
let sending = 0;
/** Splits asked of the main thread and not answered yet. */
let splitting = 0;
/**
 * The limit the collector stated, once the main thread used it for a split: a later request
 * larger than it is cut before it is sent, not sent to be refused.
 */
let cutTo = Number.POSITIVE_INFINITY;
/**
 * Whether each split asked stated a limit, in order (the main thread answers in order); how many
 * of those are not answered yet, and the lowest limit they stated: a request larger than it
 * waits for the answer (whether the main thread uses that limit), not to be sent and refused.
 */
const askedWithLimit: boolean[] = [];
let answered = 0;
let unansweredLimits = 0;
let pendingLimit = Number.POSITIVE_INFINITY;
let finished = false;

/** Wakes the main thread: it has a split to build, or SLOT_DONE was set. */
function signal(): void {
  Atomics.add(state, SLOT_SIGNAL, 1);
  Atomics.notify(state, SLOT_SIGNAL);
}

async function send(item: ExitSendItem): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    let error = await attemptSend(item);
    if (error === undefined) {
      retrying.delete(item.id);
      return;
    }
    // Sent again whole it would get the same answer: its parts go instead (built by the main
    // thread, which holds the spans), cut to the limit the collector stated or halved, down to
    // single spans, as the exporter does (export/retrying-exporter.ts); a span too large alone is lost.
    if (isTooLargeAnswer(error)) {
      retrying.delete(item.id);
      if (item.count > 1) {
        const stated = statedSizeLimit(error);
        askSplit(stated === undefined ? { split: item.id } : { split: item.id, limit: stated });
        return;
      }
      if (tooLarge++ < NAMED) tooLargeNamed.push(item.label ?? 'a span');
      tooLargeAnswer ||= describeExportError(error);
      said();
      return;
    }
    // Retried as the export retries it (a collector restarting answers UNAVAILABLE or 503, or
    // refuses the connection, for a second or two): the exit sender tried once, and the spans
    // were lost with most of the time box left.
    if (isRetryableExportError(error)) {
      const next = retryWait(error, attempt, deadline, BACKOFF, {
        millis: timeoutMillis,
        name: 'the shutdown timeout',
      });
      if ('delay' in next) {
        retrying.set(item.id, collectorCause(error, naming));
        said();
        await new Promise((resolve) => setTimeout(resolve, next.delay));
        continue;
      }
      error = next.error;
    }
    retrying.delete(item.id);
    failure ??= collectorCause(error, naming);
    said();
    return;
  }
}

/** One call: undefined once the collector took the request (less what it rejected), else why not. */
async function attemptSend(item: ExitSendItem): Promise<unknown> {
  try {
    // The whole box, not what is left of it: a call still in flight when the main thread stops
    // waiting is said as such ("did not answer within"), not as a time-out of its own too.
    const response = await transport.send(item.request, timeoutMillis);
    if (response.status === 'success') {
      const partial = readPartial(response.data);
      const refused = Math.min(item.count, partial?.rejectedSpans ?? 0);
      Atomics.add(state, SLOT_DELIVERED, item.count - refused);
      if (refused > 0) {
        rejected += refused;
        rejectMessage ||= partial?.errorMessage ?? '';
        said();
      }
      return undefined;
    }
    return response.status === 'failure' ? response.error : new Error('the collector asked for a retry');
  } catch (thrown) {
    return thrown ?? new Error('the call failed without an error');
  }
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
  const at = naming.endpoint ? ` at ${naming.endpoint}` : '';
  if (tooLarge === 1) {
    said.push(`${tooLargeNamed[0]} too large for the collector${at} (${tooLargeAnswer})`);
  } else if (tooLarge > 1) {
    const more = tooLarge - tooLargeNamed.length;
    const named = tooLargeNamed.join(', ') + (more > 0 ? ` and ${groupThousands(more)} more` : '');
    said.push(
      `${groupThousands(tooLarge)} spans too large for the collector${at} even alone (${tooLargeAnswer}): ${named}`,
    );
  }
  if (failure !== undefined) said.push(failure);
  else {
    // Still being retried when the main thread stopped waiting: what the collector said last.
    const [last] = retrying.values();
    if (last !== undefined) said.push(last);
  }
  if (rejected > 0) {
    said.push(
      `collector${at} rejected ${groupThousands(rejected)} span${rejected === 1 ? '' : 's'} (partial success): ${rejectMessage || 'no message'}`,
    );
  }
  return said;
}

/** Posts the causes so far: read by the main thread when it is done waiting. */
function said(): void {
  outcome.postMessage({ causes: causes() } satisfies ExitSendOutcome);
}

/** Asks the main thread for the parts of a request; the thread waits for them before it finishes. */
function askSplit(ask: ExitSplitAsk): void {
  splitting++;
  askedWithLimit.push(ask.limit !== undefined);
  if (ask.limit !== undefined) {
    unansweredLimits++;
    pendingLimit = Math.min(pendingLimit, ask.limit);
  }
  outcome.postMessage(ask);
  signal();
}

function pump(): void {
  while (sending < CONCURRENCY && waiting.length > 0) {
    const item = waiting[0]!;
    if (item.count > 1 && item.request.length > pendingLimit) break;
    waiting.shift();
    if (item.count > 1 && item.request.length > cutTo) {
      askSplit({ split: item.id, limit: cutTo, ahead: true });
      continue;
    }
    sending++;
    void send(item).finally(() => {
      sending--;
      pump();
    });
  }
  if (sending > 0 || splitting > 0 || finished) return;
  finished = true;
  transport.shutdown();
  // Before SLOT_DONE: the main thread reads it as soon as it wakes.
  said();
  Atomics.store(state, SLOT_DONE, 1);
  signal();
}

parentPort?.on('message', (message: ExitSendJob | ExitSplitParts) => {
  if ('parts' in message) {
    splitting--;
    if (askedWithLimit[answered++] && --unansweredLimits === 0) pendingLimit = Number.POSITIVE_INFINITY;
    if (message.limit !== undefined) cutTo = Math.min(cutTo, message.limit);
    waiting.push(...message.parts);
  } else {
    deadline = message.deadline;
    waiting.push(...message.items);
  }
  pump();
});
