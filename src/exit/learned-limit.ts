import type { RequestSizeLimit } from '../export/index.js';
import { lazyRequire } from '../util/index.js';

/** Node's environment data (copied into every Worker started after it is set): the learned limit's memory. */
const KEY = '@acme/otel/learned-request-bytes';

const INT32_MAX = 2 ** 31 - 1;

function threads(): typeof import('node:worker_threads') {
  return lazyRequire('node:worker_threads') as typeof import('node:worker_threads');
}

/** The limit `limit`'s exporter learned from the collector, 0 while none (spans are cut to `maxExportRequestBytes`). */
export function learnedBytes(limit: RequestSizeLimit | undefined): number {
  const bytes = limit?.truncationBytes ?? 0;
  return limit && bytes < limit.configured ? bytes : 0;
}

/**
 * Main thread: the request limit its exporter learned from the collector, in shared memory that
 * Node's environment data hands to every worker thread started once it is shared. A thread that
 * ended before the main thread answered its hello (its loop busy) sent its spans with its own
 * exporter, which knew only `maxExportRequestBytes`: each span over the collector's limit went
 * alone, was refused and was lost (test/integration/thread-export.test.ts). Until 2026-12-07 the
 * environment data held the limit itself, copied at `new Worker()`: a limit learned after that,
 * before the thread opened its channel (the main thread's word on it reached only open ones), did
 * not reach the thread. Memory, the thread reads it again as it ends.
 */
export class SharedLearnedLimit {
  private _memory: Int32Array | undefined;

  constructor(private readonly _limit: RequestSizeLimit) {
    _limit.onChange(() => {
      if (this._memory) this._store(this._memory);
      else this.share();
    });
  }

  /**
   * Hands the memory to the threads started from now on, once: it loads `node:worker_threads`
   * (1.5-6 ms), so at start-up only for an app that traces its threads, else at its first Worker
   * or the first limit learned.
   */
  share(): void {
    if (this._memory) return;
    try {
      const memory = new Int32Array(new SharedArrayBuffer(4));
      this._store(memory);
      threads().setEnvironmentData(KEY, memory.buffer);
      this._memory = memory;
    } catch {
      // Only a lost hint: the thread learns the limit from the main thread or the collector.
    }
  }

  private _store(memory: Int32Array): void {
    Atomics.store(memory, 0, Math.min(learnedBytes(this._limit), INT32_MAX));
  }
}

/**
 * Worker thread: reads the limit its main thread learned (0: none), now and as it ends; undefined
 * when the main thread shared none (untraced, or started this thread before it shared it).
 */
export function learnedLimitReader(): (() => number) | undefined {
  try {
    const memory: unknown = threads().getEnvironmentData(KEY);
    if (!(memory instanceof SharedArrayBuffer) || memory.byteLength < 4) return undefined;
    const view = new Int32Array(memory, 0, 1);
    return () => Math.max(0, Atomics.load(view, 0));
  } catch {
    return undefined;
  }
}
