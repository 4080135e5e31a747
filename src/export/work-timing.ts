import { channel } from 'node:diagnostics_channel';

/**
 * What {@link timeWork} publishes, twice per piece of work: before it (`end: false`) and after it
 * (the same object, `end: true`), so the subscriber times it with the clock it trusts (wall time,
 * or the main thread's own CPU time, which other processes on a busy machine do not inflate).
 */
export interface WorkPiece {
  /** What runs: `export`, `export response`, `encode`, `preload: require node:http2`... */
  readonly name: string;
  end: boolean;
}

/**
 * The channel the export path announces its own work on: each export request built and sent, each
 * answer read, each idle-time preload step, the first span's GC tuning, each span encoded at its
 * end. For tests and the bench (issue #20: no loop turn over 5 ms from tracing, at any time;
 * test/integration/export/loop-work.test.ts, bench/timeline.mjs). Not a public API. With no
 * subscriber, a timed call costs one `hasSubscribers` test.
 */
export const WORK_CHANNEL = '@acme/otel:work';
const work = channel(WORK_CHANNEL);

/** Whether anyone listens: callers on a per-span path test this before wrapping their work. */
export function timingWork(): boolean {
  return work.hasSubscribers;
}

/** Runs `fn`, announced before and after on {@link WORK_CHANNEL} when someone listens. */
export function timeWork<T>(name: string, fn: () => T): T {
  if (!work.hasSubscribers) return fn();
  const piece: WorkPiece = { name, end: false };
  work.publish(piece);
  try {
    return fn();
  } finally {
    piece.end = true;
    work.publish(piece);
  }
}
