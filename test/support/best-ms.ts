/**
 * The least time `fn` took over `runs` calls, in ms: what timing tests compare as ratios (the
 * least is the run the machine disturbed least).
 */
export function bestMs(fn: () => void, runs = 5): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}
