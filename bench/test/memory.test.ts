// `npm run bench -- --only memory`: the summary of twice-a-second samples under sustained load.
// The young generation steps up as V8 grows it; the figures are the last third's, and "since"
// is when the young generation first had the size it ends with.
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM bench module without types
import { addOverUntraced, summarise } from '../groups/memory.mjs';

interface Sample {
  t: number;
  rssMB: number;
  youngGenMB: number;
  heapTotalMB: number;
  externalMB: number;
}

/** 100 s at 2 Hz: the young generation 8 MB, 16 from `step16`, 32 from `step32`; RSS follows it. */
function run(step16: number, step32: number): Sample[] {
  const samples: Sample[] = [];
  for (let i = 1; i <= 200; i++) {
    const t = i / 2;
    const young = t >= step32 ? 32 : t >= step16 ? 16 : 8;
    const tooth = (i % 5) - 2; // ±2 MB of GC saw-tooth
    samples.push({ t, rssMB: 50 + young + tooth, youngGenMB: young, heapTotalMB: 10 + young, externalMB: 2 });
  }
  return samples;
}

describe('memory group summary', () => {
  it('reports the last third, and when the young generation reached its final size', () => {
    const r = summarise(run(20, 70), { rps: 1234.4 });
    expect(r.youngGenMB).toBe(32);
    expect(r.youngGenFinalAtSeconds).toBe(70);
    expect(r.rssMB).toBe(82);
    expect(r.rssLessYoungGenMB).toBe(50);
    expect(r.heapTotalMB).toBe(42);
    expect(r.rps).toBe(1234);
  });

  it('a young generation still growing in the last third shows in "since", not hidden by the median', () => {
    const r = summarise(run(10, 90), { rps: 1 });
    expect(r.youngGenFinalAtSeconds).toBe(90);
    // RSS less the young generation is unaffected by where V8 is in growing it.
    expect(r.rssLessYoungGenMB).toBe(50);
  });

  it('gives each traced config its difference from the untraced server, and none to a failed one', () => {
    const out: Record<string, Record<string, unknown>> = {
      none: { label: 'untraced', missing: null, rssMB: 79.3, rssLessYoungGenMB: 47.3 },
      'acme-code': { label: 'ours', missing: null, rssMB: 101.9, rssLessYoungGenMB: 69.9 },
      'upstream-sdk': { label: 'upstream', missing: null, error: 'failed to start' },
    };
    addOverUntraced(out);
    expect(out['acme-code']).toMatchObject({ rssOverUntracedMB: 22.6, rssLessYoungGenOverUntracedMB: 22.6 });
    expect(out['upstream-sdk']!.rssOverUntracedMB).toBeUndefined();
    expect(out.none!.rssOverUntracedMB).toBeUndefined();
  });
});
