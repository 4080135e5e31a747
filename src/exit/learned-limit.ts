import type { RequestSizeLimit } from '../export/index.js';
import { lazyRequire } from '../util/index.js';

/** Node's environment data (copied into every Worker started after it is set): the learned limit. */
const KEY = '@acme/otel/learned-request-bytes';

function threads(): typeof import('node:worker_threads') {
  return lazyRequire('node:worker_threads') as typeof import('node:worker_threads');
}

/**
 * Main thread: the request limit its exporter learned from the collector, for worker threads
 * started from now on. A thread that ended before the main thread answered its hello (its loop
 * busy) sent its spans with its own exporter, which knew only `maxExportRequestBytes`: each span
 * over the collector's limit went alone, was refused and was lost (test/integration/thread-export.test.ts).
 */
export function shareLearnedLimit(limit: RequestSizeLimit): void {
  limit.onChange((bytes) => {
    try {
      threads().setEnvironmentData(KEY, bytes < limit.configured ? bytes : undefined);
    } catch {
      // Only a lost hint: the thread learns the limit from the main thread or the collector.
    }
  });
}

/** Worker thread: the limit its main thread had learned when it was started, if any. */
export function inheritedLimit(): number | undefined {
  try {
    const bytes = threads().getEnvironmentData(KEY);
    return typeof bytes === 'number' && Number.isInteger(bytes) && bytes > 0 ? bytes : undefined;
  } catch {
    return undefined;
  }
}
