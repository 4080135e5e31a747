import { type Context, createContextKey } from '@opentelemetry/api';

/**
 * Same key as upstream `@opentelemetry/propagator-b3` (`createContextKey` is `Symbol.for`), so a
 * debug flag extracted by either implementation is seen by the other. Upstream stores `'d'`
 * (single header) or `'1'` (X-B3-Flags); we store `'d'` and accept both.
 */
export const B3_DEBUG_FLAG_KEY = createContextKey('OpenTelemetry Context Key B3 Debug Flag');

const B3_SAMPLING_ONLY_KEY = createContextKey('@acme/otel B3 sampling-only decision');

/**
 * A B3 sampling decision that arrived without trace and span ids (`b3: 0`, `X-B3-Sampled: 1`,
 * `X-B3-Flags: 1` ...). No span context is extracted, so a new trace starts; a sampler may read
 * the decision with {@link getB3SamplingDecision} to honour it.
 */
export type B3SamplingDecision = 'accept' | 'deny' | 'debug';

export function setB3SamplingDecision(context: Context, decision: B3SamplingDecision): Context {
  return context.setValue(B3_SAMPLING_ONLY_KEY, decision);
}

/** The sampling-only decision extracted from B3 headers that carried no ids, if any. */
export function getB3SamplingDecision(context: Context): B3SamplingDecision | undefined {
  const value = context.getValue(B3_SAMPLING_ONLY_KEY);
  return value === 'accept' || value === 'deny' || value === 'debug' ? value : undefined;
}

export function isB3Debug(context: Context): boolean {
  const value = context.getValue(B3_DEBUG_FLAG_KEY);
  return value === 'd' || value === '1';
}

/** Context values the B3 propagator sets besides the span context. */
export const B3_CONTEXT_KEYS: readonly symbol[] = [B3_DEBUG_FLAG_KEY, B3_SAMPLING_ONLY_KEY];
