import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createValueLengthLimit } from '../export/index.js';
import { createRedactionProcessor } from '../redaction/redaction-processor.js';
import { RandomTraceIdFlagProcessor } from '../sampling/index.js';
import type { ResolvedConfig } from '../types.js';

/**
 * The processors every span passes before anyone else sees it, in order: the random flag, the
 * value-length limit, `between`, then redaction. Redaction runs before the user's processors and
 * every exporter, so none of them ever sees a raw secret; the length limit before it, since the SDK
 * cut attribute values at set time only and the scrubber should not pay for a 1 MB status message
 * either; the random-flag and gcTuning processors only act in onStart. Also what the warm-up of the
 * request path runs (warm-up.ts), so it compiles what real spans run, and what the testing kit runs
 * (testing/setup.ts), so a user's test asserts on the spans that would leave the process; the kit
 * leaves out the random flag (`randomFlag`), see there.
 */
export function shapingProcessors(
  config: Pick<ResolvedConfig, 'spanLimits' | 'redaction'>,
  between: SpanProcessor[] = [],
  randomFlag = true,
): SpanProcessor[] {
  const processors: SpanProcessor[] = randomFlag ? [new RandomTraceIdFlagProcessor()] : [];
  processors.push(
    createValueLengthLimit(config.spanLimits.attributeValueLengthLimit, config.spanLimits.valueCountLimit),
    ...between,
  );
  if (config.redaction !== false) processors.push(createRedactionProcessor(config.redaction));
  return processors;
}
