import { log } from '../diag/index.js';
import { errorMessage } from '../errors.js';
import type { AcmeBatchSpanProcessor, RequestSizeLimit } from '../export/index.js';
import { EncodedSpans } from '../export/index.js';
import { groupThousands } from '../util/group-thousands.js';
import { type CrashRecord, crashMessage, installCrashMonitor } from './crash-monitor.js';
import { ExitRequests } from './exit-requests.js';
import { OPEN_SPAN_CAP, type OpenSpanTracker } from './open-spans.js';
import { watchReallyExit } from './really-exit.js';
import type { ExitTarget } from './sender-protocol.js';
import { startSyncSender } from './sync-send.js';
import { inWorkerThread } from './thread-channel.js';
import type { ThreadLeftovers } from './thread-inbox.js';
import { heldAtExitCause, unreceivedAtExitCause } from './thread-losses.js';

export interface ExitPathOptions {
  readonly tracker: OpenSpanTracker;
  /** Batch processors in front of our OTLP exporter (they queue encoded spans). */
  readonly otlp: readonly AcmeBatchSpanProcessor[];
  /** Batch processors in front of custom exporters: what they hold cannot be sent synchronously. */
  readonly others: readonly AcmeBatchSpanProcessor[];
  /** The OTLP exporter's request limit: lowered to the collector's stated one, exit requests are cut to it. */
  readonly sizeLimit?: RequestSizeLimit | undefined;
  /** Built at exit only (it may read TLS files). */
  readonly target: () => ExitTarget;
  readonly timeoutMillis: number;
  /** Spans that worker threads handed over that the export queue did not take (it stopped). */
  readonly drainThreads?: () => ThreadLeftovers;
  /**
   * Says, last, what was lost during the process's life and not said yet: the drop reporter's
   * pending lines (they wait up to ~2 s to be counted together) and its summary. A process that
   * ends before that report (a script, a short job) said nothing of a full queue's drops.
   */
  readonly report?: () => void;
  /** Spans the exit sender delivered: counted exported (the summary said "0 spans exported" of them). */
  readonly onDelivered?: (spans: number) => void;
  /** What keeps the export from succeeding now (the drop reporter's), named when the timeout ran out on it. */
  readonly exportTrouble?: () => string | undefined;
}

export interface ExitPath {
  /**
   * The time box started now (a flush or shutdown that the exit may interrupt): the exit uses
   * what is left of it. `null` clears it (that flush finished).
   */
  startBudget(at?: number | null): void;
  /** End every open span with status ERROR now (a signal that ends the process). */
  endOpenSpans(message: string): void;
  /** Spans that only the `exit` event's flush will send (more ended there than the queue holds). */
  readonly holding: boolean;
  /**
   * The exit must not wait (a second signal while the first one's flush runs: the user wants out):
   * what is pending is counted lost with `cause` instead of sent.
   */
  cutShort(cause: string): void;
  /** Removes the listeners; `keepExit`: the `exit` one stays (spans may still come from threads). */
  dispose(keepExit?: boolean): void;
}

/**
 * The last chance for pending spans, on the `exit` event (uncaught exception, fatal rejection,
 * `process.exit()` from anywhere, a cluster worker leaving on disconnect, the end of a signal
 * shutdown): only synchronous work runs there. Spans still open are ended with status ERROR, then
 * everything not yet acknowledged is sent synchronously (sync-send.ts) within what is left of
 * `shutdownTimeoutMillis`. With nothing pending it returns before doing any work.
 */
export function installExitPath(opts: ExitPathOptions): ExitPath {
  let crash: CrashRecord | undefined;
  /** The uncaught error the app's listener or capture callback is handling right now. */
  let handling: CrashRecord | undefined;
  let budgetStart: number | undefined;
  let cut: string | undefined;
  let ran = false;
  const disposeMonitor = installCrashMonitor(
    (record) => {
      crash ??= record;
    },
    (active) => {
      const span = opts.tracker.recordingSpanFor(active);
      const entry = span && opts.tracker.entrySpanFor(span);
      return entry && entry !== span ? [span, entry] : [span];
    },
    // The app's uncaughtException listener threw: Node exits now, with code 7 and no 'exit' event.
    (record) => {
      crash ??= record;
      onExit(7);
    },
    (record) => {
      handling = record;
    },
  );
  const onExit = (code: number) => {
    if (ran) return;
    ran = true;
    // An exit from inside the handler of an uncaught error: that error is why.
    const cause = crash ?? handling;
    // In a worker thread, `exit` is the thread's: the process goes on.
    const ended = inWorkerThread() ? 'the worker thread' : 'the process';
    const reason = cause
      ? crashMessage(cause.error)
      : `${ended} exited (code ${code ?? 0}) before the span ended`;
    try {
      flushAtExit(opts, reason, (budgetStart ?? Date.now()) + opts.timeoutMillis, cut);
    } catch (error) {
      // Whatever was pending is gone: said once, as any other loss at exit.
      log.warn(`spans pending at exit were lost: the exit flush failed (${errorMessage(error)})`);
    }
    for (const processor of [...opts.otlp, ...opts.others]) processor.exitFlushed();
    try {
      opts.report?.();
    } catch {
      // Reporting must not change how the process exits.
    }
  };
  // An `exit` listener of the application's that was added before ours and throws ends the 'exit'
  // event there: ours never ran, and every pending span was lost without a word. Node then
  // reports that error as uncaught (the monitor sees it) and exits; this runs the exit path then.
  let exitCode: number | undefined;
  const onExitStart = (code: number) => {
    exitCode = code;
  };
  const onThrowAtExit = () => {
    if (exitCode !== undefined && !ran) onExit(exitCode);
  };
  process.prependListener('exit', onExitStart);
  process.on('uncaughtExceptionMonitor', onThrowAtExit);
  process.on('exit', onExit);
  // `process.reallyExit()` called directly: no 'exit' event (really-exit.ts).
  const unwatchReallyExit = watchReallyExit(onExit);
  return {
    startBudget(at = Date.now()) {
      budgetStart = at ?? undefined;
    },
    endOpenSpans(message) {
      endOpen(opts, message);
    },
    get holding() {
      return opts.otlp.some((processor) => processor.heldForExit > 0);
    },
    cutShort(cause) {
      cut ??= cause;
    },
    dispose(keepExit = false) {
      disposeMonitor();
      if (!keepExit) {
        process.off('exit', onExit);
        process.off('exit', onExitStart);
        process.off('uncaughtExceptionMonitor', onThrowAtExit);
        unwatchReallyExit();
      }
    },
  };
}

/**
 * Ends the spans still open, with status ERROR: those the full export queue cannot take are kept
 * for the exit path's flush (`makeRoomAtExit`), not dropped as "queue full".
 */
function endOpen(opts: ExitPathOptions, message: string): void {
  for (const processor of opts.otlp) processor.makeRoomAtExit(opts.tracker.size);
  opts.tracker.endAll(message);
}

function flushAtExit(opts: ExitPathOptions, reason: string, deadline: number, cut?: string): void {
  const untracked = opts.tracker.untracked;
  if (opts.tracker.size > 0) endOpen(opts, reason);
  const batches: EncodedSpans[] = [];
  let pending = 0;
  const add = (batch: unknown) => {
    if (!(batch instanceof EncodedSpans)) return;
    batches.push(batch);
    pending += batch.length;
  };
  for (const processor of opts.otlp) for (const batch of processor.takeUnsent()) add(batch);
  // After takeUnsent: the queue is stopped, so what threads still hand over comes back here, and
  // is cut as the export loop would cut it.
  const threads = opts.drainThreads?.();
  if (threads?.spans)
    for (const batch of opts.otlp[0]?.requestsFor(threads.spans) ?? [threads.spans]) add(batch);
  let custom = 0;
  for (const processor of opts.others) for (const batch of processor.takeUnsent()) custom += batch.length;
  const held = threads?.held ?? [];
  const unreceived = threads?.unreceived ?? [];
  if (
    pending === 0 &&
    custom === 0 &&
    untracked === 0 &&
    !threads?.dropped &&
    !threads?.open &&
    held.length === 0 &&
    unreceived.length === 0
  )
    return;

  const causes: string[] = [];
  let lost = 0;
  if (pending > 0) {
    const left = deadline - Date.now();
    let result: { delivered: number; cause?: string };
    if (cut !== undefined) {
      result = { delivered: 0, cause: cut };
    } else if (left <= 0) {
      // Used up by retries: what they retried is the cause a reader needs (a collector down, a
      // wrong endpoint), not only that time ran out.
      const trouble = opts.exportTrouble?.();
      result = {
        delivered: 0,
        cause: `the shutdown timeout (${opts.timeoutMillis} ms) was used up${trouble === undefined ? '' : ` while the export was failing: ${trouble}`}`,
      };
    } else {
      // Started first: the thread boots while the requests are built.
      const sender = startSyncSender(opts.target(), left);
      const requests = new ExitRequests(opts.sizeLimit);
      // Already cut as the export loop cuts them (size and span count): takeUnsent().
      const items = requests.items(batches);
      // Stop waiting a little early: waking, stopping the thread and the loss line take a few ms,
      // and the bound is on the whole exit (on a loaded host the bench saw it overrun otherwise).
      const end = deadline - Math.min(50, opts.timeoutMillis / 20);
      result = sender.send(items, (id, stated) => requests.split(id, stated), end);
      if (result.delivered > 0) opts.onDelivered?.(result.delivered);
    }
    if (result.delivered < pending) {
      lost += pending - result.delivered;
      causes.push(result.cause ?? 'unknown');
    }
  }
  if (threads && threads.dropped > 0) {
    lost += threads.dropped;
    causes.push(
      `${groupThousands(threads.dropped)} handed over by worker threads after shutdown were dropped (more than maxQueueSize waited)`,
    );
  }
  if (threads && threads.open > 0) {
    lost += threads.open;
    causes.push(
      `${groupThousands(threads.open)} were still open in worker threads, which Node stops at exit without their 'exit' event, so nothing ended them`,
    );
  }
  if (unreceived.length > 0) {
    const cause = unreceivedAtExitCause(unreceived, threads?.waitedMillis ?? 0);
    lost += cause.spans;
    causes.push(cause.text);
  }
  if (held.length > 0) {
    const cause = heldAtExitCause(held);
    lost += cause.spans;
    causes.push(cause.text);
  }
  if (custom > 0) {
    lost += custom;
    causes.push(
      `${groupThousands(custom)} were queued for a custom exporter, which cannot export synchronously`,
    );
  }
  if (untracked > 0) {
    lost += untracked;
    causes.push(
      `${groupThousands(untracked)} were still open and could not be ended (started while more than ${groupThousands(OPEN_SPAN_CAP)} were open, so not tracked)`,
    );
  }
  if (lost > 0)
    log.warn(
      `${groupThousands(lost)} ${lost === 1 ? 'span was' : 'spans were'} lost at exit: ${causes.join('; ')}`,
    );
}
