import { type Attributes, type Context, type Link, type SpanKind, trace } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { getB3SamplingDecision } from '../propagation/index.js';
import type { ResolvedConfig, SamplerName } from '../types.js';
import { GuardedSampler } from './guarded-sampler.js';
import type { PooledIdGenerator } from './id-generator.js';
import { RatioSampler } from './ratio-sampler.js';

/**
 * The sampler for a resolved config. `parentbased_*` samplers always follow the caller's
 * decision when there is a parent; the ratio only decides for new (root) traces.
 */
export function createSampler(
  config: Pick<ResolvedConfig, 'sampler' | 'sampleRatio'>,
  ids?: PooledIdGenerator,
): Sampler {
  const { sampler } = config;
  if (typeof sampler !== 'string') return new GuardedSampler(sampler);
  const named = createNamedSampler({ sampler, sampleRatio: config.sampleRatio }, ids);
  // A B3 caller's sampling-only header is a parent decision too; always_on/off ignore parents.
  return sampler.startsWith('parentbased_') ? new B3DecisionSampler(named) : named;
}

function createNamedSampler(
  { sampler, sampleRatio }: { sampler: SamplerName; sampleRatio: number },
  ids: PooledIdGenerator | undefined,
): Sampler {
  const ratio = () => (ids ? new RatioSampler(sampleRatio, ids) : new TraceIdRatioBasedSampler(sampleRatio));
  switch (sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
  }
}

const SAMPLED: SamplingResult = Object.freeze({ decision: SamplingDecision.RECORD_AND_SAMPLED });
const DROPPED: SamplingResult = Object.freeze({ decision: SamplingDecision.NOT_RECORD });

/**
 * Honours B3 sampling-only headers (`b3: 0`, `b3: 1`, `b3: d`, a lone `X-B3-Sampled`): they carry
 * the caller's decision but no ids, so a new trace starts and would otherwise be sampled by ratio.
 * Decisions with ids arrive as a parent span context and are followed by ParentBased already.
 */
export class B3DecisionSampler implements Sampler {
  private readonly inner: Sampler;

  constructor(inner: Sampler) {
    this.inner = inner;
  }

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    if (trace.getSpanContext(context) === undefined) {
      const decision = getB3SamplingDecision(context);
      if (decision === 'deny') return DROPPED;
      if (decision !== undefined) return SAMPLED;
    }
    return this.inner.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return this.inner.toString();
  }
}
