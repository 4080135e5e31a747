/**
 * The promise rejections left unhandled while `run` runs (and two turns of the event loop after
 * it, when Node reports them), instead of Vitest's listener failing the run: a test of a hook of
 * the app's that is `async` and rejects counts them, and expects none.
 */
export async function unhandledRejections(run: () => unknown): Promise<unknown[]> {
  const reasons: unknown[] = [];
  const collect = (reason: unknown) => reasons.push(reason);
  const theirs = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', collect);
  try {
    await run();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', collect);
    for (const listener of theirs) process.on('unhandledRejection', listener);
  }
  return reasons;
}
