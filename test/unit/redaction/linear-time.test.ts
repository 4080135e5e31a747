// Issue 20 item 1: scrubbing takes linear time on any input. Text shaped like an unfinished JWT
// (`eyJ-` repeated) made it quadratic (a 256 KB attribute took 18.8 s inside span.end()). Each
// shape (adversarial-shapes.ts) repeats the prefix of one built-in pattern (or a near miss of it) so a
// backtracking regex would retry from every repetition; the per-byte cost at 64 KB must stay
// within 4x of the per-byte cost at 4 KB, and at 256 KB within 8x (min of several runs, to resist a
// loaded machine); quadratic code is 16x and 64x. The 256 KB bound has more room because a string
// of 128 KB or more is allocated in fresh large-object pages, ~3 ns a byte on this VM whenever
// scrubbing copies one (docs/performance.md, 2026-12-03): for a shape that costs little per byte,
// that step alone reached 4.5x on a loaded machine. The 64 KB step is checked first so that
// quadratic code fails in about a second, not minutes.
import type { Attributes } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';
import { input, KEY, type Mode, SHAPES } from './adversarial-shapes.js';

const redactor = createRedactor();

/**
 * Best per-byte time (ns) of up to `runs` samples, each scrubbing `reps` fresh copies of the input.
 * Sampling stops after a second: quadratic code then fails in seconds rather than minutes.
 */
function perByte(mode: Mode, text: string, runs: number, reps: number): number {
  let best = Number.POSITIVE_INFINITY;
  const deadline = performance.now() + 1000;
  for (let r = 0; r < runs && (r === 0 || performance.now() < deadline); r++) {
    const batch: Attributes[] = [];
    // A fresh string each time (sliced+flattened), so no run profits from a cached flat copy.
    for (let i = 0; i < reps; i++) batch.push({ [KEY[mode]]: ` ${text}`.slice(1) });
    const start = process.hrtime.bigint();
    for (const attributes of batch) redactor.attributes(attributes);
    const ns = Number(process.hrtime.bigint() - start);
    best = Math.min(best, ns / (reps * text.length));
  }
  return best;
}

describe('scrubbing cost grows linearly with the input', () => {
  const cases = SHAPES.flatMap(([name, unit, modes, prefix, suffix]) =>
    modes.map((mode) => [`${name} (${mode})`, unit, mode, prefix, suffix] as const),
  );
  it.each(cases)('%s', (_name, unit, mode, prefix, suffix) => {
    // Each sample scrubs 256 KB in all, so that every size allocates alike and meets the same GC.
    const small = perByte(mode, input(unit, 4096, prefix, suffix), 7, 64);
    const medium = perByte(mode, input(unit, 65536, prefix, suffix), 7, 4);
    if (process.env.SCRUB_RATIOS) console.log(_name, small.toFixed(1), (medium / small).toFixed(2));
    expect(medium / small, `64 KB vs 4 KB per-byte cost (${small.toFixed(1)} ns/B at 4 KB)`).toBeLessThan(4);
    const large = perByte(mode, input(unit, 262144, prefix, suffix), 7, 1);
    if (process.env.SCRUB_RATIOS) console.log(_name, 'large', (large / small).toFixed(2));
    expect(large / small, `256 KB vs 4 KB per-byte cost (${small.toFixed(1)} ns/B at 4 KB)`).toBeLessThan(8);
  });
});
