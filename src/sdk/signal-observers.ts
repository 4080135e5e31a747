/**
 * How many listeners on each signal are signal-exit's (a dependency of execa, write-file-atomic,
 * foreground-child, nyc, …): one per loaded instance. They only observe: signal-exit runs its
 * callbacks and re-raises the signal when its listeners are the only ones, and leaves the exit to
 * any other listener. Counted as the application's, they made each side wait for the other: the
 * traced process ignored SIGTERM and Ctrl-C until SIGKILL. signal-exit 4 keeps its count on
 * `globalThis[Symbol.for('signal-exit emitter')]`, 3 on `process.__signal_exit_emitter__`, and each
 * adds the other's, as we do. Never throws.
 */
export function signalExitListeners(): number {
  try {
    const count = (holder: unknown): number => {
      const n = (holder as { count?: unknown } | undefined)?.count;
      return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : 0;
    };
    const v4 = (globalThis as Record<symbol, unknown>)[Symbol.for('signal-exit emitter')];
    const v3 = (process as { __signal_exit_emitter__?: unknown }).__signal_exit_emitter__;
    return count(v4) + count(v3);
  } catch {
    return 0;
  }
}
