// `npm run bench -- --only outage`: the summary that turns twice-a-second samples into the README's
// outage figures. V8 resizing its young generation (Node 24 doubles it, collector up or down) is a
// step in RSS that is not the outage's; real growth outside it must still read as growth.
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM bench module without types
import { summarise } from '../groups/outage.mjs';

interface Sample {
  t: number;
  phase: 'up' | 'outage' | 'recovered';
  rssMB: number;
  youngGenMB: number;
  heapMB: number;
  heapTotalMB: number;
  externalMB: number;
  rps: number;
  cpuPct: number;
}

const UP = 20;
const DOWN = 60;

/** Samples at 2 Hz: `rss(t)` and `young(t)` in MB, phases as the outage group switches them. */
function run(rss: (t: number) => number, young: (t: number) => number): Sample[] {
  const samples: Sample[] = [];
  for (let i = 1; i <= (UP + DOWN + 10) * 2; i++) {
    const t = i / 2;
    const phase = t <= UP ? 'up' : t <= UP + DOWN ? 'outage' : 'recovered';
    // A saw-tooth of ±3 MB, as GC makes it.
    const tooth = (i % 5) - 2;
    samples.push({
      t,
      phase,
      rssMB: rss(t) + tooth,
      youngGenMB: young(t),
      heapMB: 30,
      heapTotalMB: 80,
      externalMB: 6,
      rps: 9000,
      cpuPct: 95,
    });
  }
  return samples;
}

const summary = (samples: Sample[]) => summarise(samples, { up: UP, down: DOWN, alive: true, loadErrors: 0 });

describe('outage summary', () => {
  it('a young-generation resize in the outage is reported as such, not as growth', () => {
    const step = (t: number) => (t < 50 ? 0 : 64);
    const r = summary(
      run(
        (t) => 160 + step(t),
        (t) => 64 + step(t),
      ),
    );
    expect(r.plateauDeltaMB).toBeCloseTo(64, 0);
    expect(r.steadyYoungGenMB).toBe(64);
    expect(r.outageYoungGenMB).toBe(128);
    expect(r.plateauDeltaLessYoungGenMB).toBeCloseTo(0, 0);
    expect(r.stillGrowing).toBe(false);
  });

  it('growth outside the young generation still reads as growth', () => {
    // 0.5 MB/s from the outage on, young generation unchanged: a leak.
    const r = summary(
      run(
        (t) => 160 + Math.max(0, t - UP) * 0.5,
        () => 64,
      ),
    );
    expect(r.plateauDeltaLessYoungGenMB).toBeGreaterThan(20);
    expect(r.lastThirdGrowthMB).toBeGreaterThan(5);
    expect(r.stillGrowing).toBe(true);
  });

  it('a flat run is flat', () => {
    const r = summary(
      run(
        () => 106,
        () => 32,
      ),
    );
    expect(Math.abs(r.plateauDeltaMB)).toBeLessThan(1);
    expect(r.stillGrowing).toBe(false);
  });
});
