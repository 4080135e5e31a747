import { describe, expect, it } from 'vitest';
import { innerShutdownTimeout } from '../../../src/sdk/pipeline.js';

// The batch processor must reach its own deadline (count and report what it could not deliver)
// before shutdown()'s time box gives up and the exit path ends the process.
describe('batch processor shutdown bound', () => {
  it('is strictly inside the shutdown time box, leaving 50–250 ms for the final report', () => {
    expect(innerShutdownTimeout(1000)).toBe(900);
    expect(innerShutdownTimeout(5000)).toBe(4750);
    expect(innerShutdownTimeout(300)).toBe(250);
    for (const outer of [1, 10, 60, 100, 999, 2500, 30_000]) {
      const inner = innerShutdownTimeout(outer);
      expect(inner).toBeGreaterThanOrEqual(1);
      if (outer > 1) expect(inner).toBeLessThan(outer);
    }
  });
});
