// Near V8's heap limit, the export turns urgent: a process that runs out of heap is aborted, and no
// exit path sends what waits. The readings are given; the timer is not waited for.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import {
  HEAP_HIGH,
  HEAP_LOW,
  type HeapReading,
  oldGenerationLimit,
  readHeap,
  watchHeap,
} from '../../../src/exit/heap-watch.js';

const MiB = 1024 * 1024;
let lines: [string, string][] = [];
beforeEach(() => {
  lines = [];
  setLogSink((level, line) => lines.push([level, line]));
});
afterEach(() => resetLogger());

function watch(readings: (HeapReading | Error)[]) {
  const told: boolean[] = [];
  const { check, dispose } = watchHeap(
    (urgent) => told.push(urgent),
    () => {
      const next = readings.shift();
      if (next instanceof Error) throw next;
      return next ?? { used: 0, limit: 100 * MiB };
    },
    60_000,
  );
  return { told, check, dispose };
}

const at = (share: number): HeapReading => ({ used: share * 100 * MiB, limit: 100 * MiB });

describe('watchHeap', () => {
  it('turns urgent at HEAP_HIGH, once, with one warning naming the sizes; relaxed below HEAP_LOW', () => {
    const w = watch([at(0.5), at(HEAP_HIGH), at(0.9), at(HEAP_LOW), at(HEAP_LOW - 0.01), at(0.5)]);
    for (let i = 0; i < 6; i++) w.check();
    w.dispose();
    expect(w.told).toEqual([true, false]);
    const warnings = lines.filter(([level]) => level === 'warn').map(([, line]) => line);
    expect(warnings).toEqual([
      expect.stringContaining(
        'the V8 heap holds 75.0 MiB of its 100.0 MiB limit (75%): spans are exported within 100 ms of ending',
      ),
    ]);
  });

  it('a second time: told again, said at debug only', () => {
    const w = watch([at(0.8), at(0.5), at(0.8)]);
    for (let i = 0; i < 3; i++) w.check();
    w.dispose();
    expect(w.told).toEqual([true, false, true]);
    expect(lines.filter(([level]) => level === 'warn')).toHaveLength(1);
  });

  it('a reading that throws, or no limit, changes nothing', () => {
    const w = watch([new Error('no v8'), { used: 10, limit: 0 }, { used: 10, limit: Number.NaN }]);
    for (let i = 0; i < 3; i++) w.check();
    w.dispose();
    expect(w.told).toEqual([]);
    expect(lines).toEqual([]);
  });

  it("reads this process's heap against the old generation's limit: heap_size_limit less the young generation's reserve", async () => {
    const v8 = await import('node:v8');
    const reading = readHeap();
    const { heap_size_limit: whole } = v8.getHeapStatistics();
    expect(reading.used).toBeGreaterThan(MiB);
    expect(reading.limit).toBeLessThanOrEqual(whole - 48 * MiB);
    expect(reading.limit).toBeGreaterThan(whole - 256 * MiB);
  });
});

describe("the old generation's limit (where a process runs out of heap)", () => {
  it('is the --max-old-space-size given: on the command line first, then in NODE_OPTIONS', () => {
    // Node 24's heap_size_limit under --max-old-space-size=64 is 256 MiB: 192 of young reserve.
    expect(oldGenerationLimit(256 * MiB, ['--max-old-space-size=64'])).toBe(64 * MiB);
    expect(oldGenerationLimit(256 * MiB, [], '--enable-source-maps --max-old-space-size=64')).toBe(64 * MiB);
    expect(oldGenerationLimit(560 * MiB, ['--max_old_space_size=512'], '--max-old-space-size=64')).toBe(
      512 * MiB,
    );
    expect(oldGenerationLimit(560 * MiB, ['--max-old-space-size', '512'])).toBe(512 * MiB);
    expect(oldGenerationLimit(112 * MiB, ['--max-old-space-size=1', '--max-old-space-size=64'])).toBe(
      64 * MiB,
    );
  });

  it("is V8's default otherwise: 4 GiB on a large machine, whatever the version's young reserve", () => {
    for (const whole of [4144, 4192, 4288]) expect(oldGenerationLimit(whole * MiB, [])).toBe(4096 * MiB);
    expect(oldGenerationLimit(2096 * MiB, [])).toBe(2048 * MiB);
  });

  it('ignores what is not a size: another flag of the same stem, a value missing or not a number', () => {
    for (const args of [
      ['--max-old-space-size-percentage=50'],
      ['--max-old-space-size='],
      ['--max-old-space-size=lots'],
      ['--max-old-space-size'],
      ['--max-old-space-size=-5'],
    ])
      expect(oldGenerationLimit(4144 * MiB, args)).toBe(4096 * MiB);
  });
});
