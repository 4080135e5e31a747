// PooledIdGenerator (src/sampling/id-generator.ts) and RatioSampler (src/sampling/ratio-sampler.ts): ids as upstream's
// generator makes them, and for every trace id the same decision as upstream's TraceIdRatioBased
// sampler, whether the id is the generator's own (bucket remembered) or came from elsewhere.
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { RandomIdGenerator, SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PooledIdGenerator } from '../../../src/sampling/id-generator.js';
import { RatioSampler } from '../../../src/sampling/ratio-sampler.js';

const decide = (sampler: TraceIdRatioBasedSampler, traceId: string) =>
  sampler.shouldSample(ROOT_CONTEXT, traceId).decision;

afterEach(() => vi.restoreAllMocks());

describe('PooledIdGenerator', () => {
  it('makes lowercase hex ids of 32 and 16 digits, all different, across pool refills', () => {
    const ids = new PooledIdGenerator();
    const traceIds = new Set<string>();
    const spanIds = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      traceIds.add(ids.generateTraceId());
      spanIds.add(ids.generateSpanId());
    }
    expect(traceIds.size).toBe(5000);
    expect(spanIds.size).toBe(5000);
    for (const id of traceIds) expect(id).toMatch(/^[0-9a-f]{32}$/);
    for (const id of spanIds) expect(id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('never gives the invalid all-zero id: its last byte becomes 1, as upstream does', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const ids = new PooledIdGenerator();
    const upstream = new RandomIdGenerator();
    expect(ids.generateTraceId()).toBe(upstream.generateTraceId());
    expect(ids.generateSpanId()).toBe(upstream.generateSpanId());
    expect(ids.generateTraceId()).toBe('00000000000000000000000000000001');
    expect(ids.lastTraceIdBucket).toBe(1);
  });
});

describe('RatioSampler', () => {
  const ratios = [0, 1e-6, 0.001, 0.1, 0.25, 0.5, 0.9, 0.999999, 1];

  it("decides as upstream's TraceIdRatioBased sampler for the generator's own ids", () => {
    const ids = new PooledIdGenerator();
    for (const ratio of ratios) {
      const ours = new RatioSampler(ratio, ids);
      const upstream = new TraceIdRatioBasedSampler(ratio);
      let sampled = 0;
      for (let i = 0; i < 20_000; i++) {
        const traceId = ids.generateTraceId();
        const decision = decide(ours, traceId);
        expect(decision).toBe(decide(upstream, traceId));
        if (decision === SamplingDecision.RECORD_AND_SAMPLED) sampled++;
      }
      // And the share is the ratio (binomial, 20 000 draws: well within 5 standard deviations).
      expect(Math.abs(sampled / 20_000 - ratio)).toBeLessThan(5 * Math.sqrt(0.25 / 20_000));
    }
  });

  it("decides as upstream for ids it did not make, valid or not, and for an id equal to the generator's", () => {
    const ids = new PooledIdGenerator();
    const foreign = [
      '',
      'not-a-trace-id',
      '0'.repeat(32),
      'ffffffffffffffffffffffffffffffff',
      '4BF92F3577B34DA6A3CE929D0E0E4736',
      '4bf92f3577b34da6a3ce929d0e0e4736',
      new RandomIdGenerator().generateTraceId(),
    ];
    for (const ratio of ratios) {
      const ours = new RatioSampler(ratio, ids);
      const upstream = new TraceIdRatioBasedSampler(ratio);
      for (const traceId of foreign) expect(decide(ours, traceId)).toBe(decide(upstream, traceId));
      // A copy of the last generated id (another string object, same digits).
      const copy = `${ids.generateTraceId()}`.split('').join('');
      expect(decide(ours, copy)).toBe(decide(upstream, copy));
    }
  });

  it('describes itself as upstream does', () => {
    expect(new RatioSampler(0.25, new PooledIdGenerator()).toString()).toBe('TraceIdRatioBased{0.25}');
  });
});
