import type { DropReporter, ExportCounters } from '../export/index.js';
import { ExportTooLargeError } from '../export/index.js';
import type { ThreadPeer } from './thread-peer.js';

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
