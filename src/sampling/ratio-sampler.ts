import type { Context } from '@opentelemetry/api';
import {
  SamplingDecision,
  type SamplingResult,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { PooledIdGenerator } from './id-generator.js';

const SAMPLED: SamplingResult = Object.freeze({ decision: SamplingDecision.RECORD_AND_SAMPLED });
const DROPPED: SamplingResult = Object.freeze({ decision: SamplingDecision.NOT_RECORD });

/**
 * Upstream's TraceIdRatioBased sampler, same decision for every trace id, that skips validating and
 * reading a trace id its own generator has just made: it takes the bucket the generator computed
 * from the id's words (id-generator.ts). Any other trace id goes through upstream's code.
 */
export class RatioSampler extends TraceIdRatioBasedSampler {
  private readonly _bound: number;

  constructor(
    ratio: number,
    private readonly _ids: PooledIdGenerator,
  ) {
    super(ratio);
    // Upstream's bound for the normalised ratio (its `_upperBound` is private).
    const normalised = Number.isNaN(ratio) ? 0 : Math.min(1, Math.max(0, ratio));
    this._bound = normalised === 1 ? 2 ** 32 : Math.floor(normalised * 0xffffffff);
  }

  override shouldSample(context: Context, traceId: string): SamplingResult {
    if (traceId !== this._ids.lastTraceId) return super.shouldSample(context, traceId);
    return this._ids.lastTraceIdBucket < this._bound ? SAMPLED : DROPPED;
  }
}
