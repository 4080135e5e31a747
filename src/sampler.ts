import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { ResolvedConfig } from './types.js';

/**
 * The sampler for a resolved config. `parentbased_*` samplers always follow the caller's
 * decision when there is a parent; the ratio only decides for new (root) traces.
 */
export function createSampler(config: Pick<ResolvedConfig, 'sampler' | 'sampleRatio'>): Sampler {
  const { sampler, sampleRatio } = config;
  if (typeof sampler !== 'string') return sampler;
  switch (sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(sampleRatio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(sampleRatio) });
  }
}
