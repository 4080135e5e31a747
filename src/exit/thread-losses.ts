import { log } from '../diag/index.js';
import type { DropReporter, ExportCounters } from '../export/index.js';
import { ExportTooLargeError } from '../export/index.js';
import { groupThousands } from '../util/group-thousands.js';
import type { HeldByThread } from './thread-inbox.js';
import type { ThreadPeer } from './thread-peer.js';

/** Threads named in the loss line at exit at most: the line stays one line with many threads. */
const HELD_THREADS_NAMED = 5;

/**
 * Adds what a worker thread lost since the last look (its shared counters, thread-handoff.ts) to
 * the main thread's stats and drop report, each with its cause. The thread named the spans too
 * large or not encodable in its own log lines; drops are told here, once per report interval.
 */
export function countThreadLosses(peer: ThreadPeer, stats: ExportCounters, reporter: DropReporter): void {
  const { dropped, truncated, tooLarge, unencodable } = peer.losses();
  if (dropped > 0) {
    stats.dropped += dropped;
    const { spans, bytes } = peer.bounds;
    reporter.recordDrop(
      dropped,
      `the main thread's event loop did not take them from worker threads in time ` +
        `(at most ${spans} spans or ${Math.round(bytes / 1024)} KiB wait for it per thread)`,
    );
  }
  stats.truncated += truncated;
  if (tooLarge > 0) {
    stats.failed += tooLarge;
    reporter.recordFailure(
      tooLarge,
      new ExportTooLargeError(
        'too large to export even truncated, in a worker thread (named in its log line)',
      ),
    );
  }
  if (unencodable > 0) {
    stats.failed += unencodable;
    reporter.recordFailure(
      unencodable,
      new Error('could not be encoded, in a worker thread (named in its log line)'),
    );
  }
}

/**
 * A worker thread ended without its `exit` event (worker.terminate(), its resourceLimits), where its
 * exit path would have ended what is open and sent what it holds: what went with it, counted as
 * dropped (`drop`) and said once, by the thread that started it (the main thread, or a traced
 * worker thread for a thread it started, of which the main thread has no Worker object).
 */
export function reportStoppedThread(id: number, peer: ThreadPeer, drop: (count: number) => void): void {
  const open = peer.openLost;
  if (open > 0) {
    drop(open);
    log.warn(
      `${spans(open)} still open in worker thread ${id} ${open === 1 ? 'was' : 'were'} lost: the thread ended without its 'exit' event (worker.terminate(), or its resourceLimits), so nothing ended ${open === 1 ? 'it' : 'them'}`,
    );
  }
  const held = peer.takeHeldLost();
  if (held > 0) {
    drop(held);
    log.warn(
      `${spans(held)} ended in worker thread ${id} ${held === 1 ? 'was' : 'were'} lost: the thread was terminated while it exported ${held === 1 ? 'it' : 'them'} itself (queued, or being exported), without its 'exit' event (worker.terminate(), or its resourceLimits)`,
    );
  }
  // The main thread may hold a peer of it too (a thread started by a thread): said once.
  peer.markEnded();
}

/**
 * The loss line at exit's cause for what threads' own exporters held (queued, or being exported)
 * as Node stopped them: their exit paths, which would have sent it, never run.
 */
export function heldAtExitCause(held: readonly HeldByThread[]): { spans: number; text: string } {
  let total = 0;
  for (const { spans: count } of held) total += count;
  const first = held[0];
  const whose =
    held.length === 1 && first
      ? `worker thread ${first.thread}'s own exporter`
      : `the own exporters of worker threads ${namedThreads(held)}`;
  return {
    spans: total,
    text: `${groupThousands(total)} were held by ${whose} at exit (queued, or being exported): Node stops worker threads without their 'exit' event, so nothing sent them`,
  };
}

/**
 * The loss line at exit's cause for spans threads ended (posted, or being posted) that had not
 * reached the main thread when its drain stopped waiting for them (`waitedMillis`): the thread was
 * stopped before it posted them, or the host did not run it in time.
 */
export function unreceivedAtExitCause(
  unreceived: readonly HeldByThread[],
  waitedMillis: number,
): { spans: number; text: string } {
  let total = 0;
  for (const { spans: count } of unreceived) total += count;
  const first = unreceived[0];
  const whose =
    unreceived.length === 1 && first
      ? `worker thread ${first.thread}`
      : `worker threads ${namedThreads(unreceived)}`;
  return {
    spans: total,
    text: `${groupThousands(total)} ended in ${whose} had not reached the main thread after the exit waited ${groupThousands(waitedMillis)} ms for them: the thread was stopped before it posted them, or not run in time`,
  };
}

/** `4 (3), 7 (2) and 2 more`: each thread with its count, the first HELD_THREADS_NAMED. */
function namedThreads(held: readonly HeldByThread[]): string {
  const named = held.slice(0, HELD_THREADS_NAMED).map((h) => `${h.thread} (${groupThousands(h.spans)})`);
  const more = held.length - named.length;
  return more > 0 ? `${named.join(', ')} and ${more} more` : named.join(', ');
}

function spans(count: number): string {
  return `${groupThousands(count)} ${count === 1 ? 'span' : 'spans'}`;
}
