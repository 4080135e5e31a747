import { createPropagator } from '@acme/otel';

/**
 * Propagators for a service the public calls directly (INCOMING_TRACE_CONTEXT=ignore): the
 * caller's `traceparent`, `tracestate`, `baggage` and B3 headers are not read, so every request
 * starts a trace of this service's own, sampled by its own sampler; outgoing calls carry that
 * trace (and this service's baggage) as usual, so the neighbours still join it.
 * @param {import('@acme/otel').PropagatorName[]} names
 * @returns {import('@opentelemetry/api').TextMapPropagator}
 */
export function injectOnly(names) {
  const propagator = createPropagator(names);
  return {
    inject: (context, carrier, setter) => propagator.inject(context, carrier, setter),
    extract: (context) => context,
    fields: () => propagator.fields(),
  };
}
