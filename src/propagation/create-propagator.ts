import type { TextMapPropagator } from '@opentelemetry/api';
import { log } from '../diag/index.js';
import type { PropagatorName } from '../types.js';
import { StrictB3Propagator } from './b3-propagator.js';
import { StrictBaggagePropagator } from './baggage-propagator.js';
import { StrictCompositePropagator } from './composite.js';
import { GuardedJaegerPropagator } from './jaeger.js';
import { NoopPropagator } from './noop.js';
import { StrictTraceContextPropagator } from './trace-context-propagator.js';

/**
 * Injects W3C traceparent/tracestate, baggage and B3 multi headers; extracts those plus the B3
 * single header, so both a W3C-only and a B3-only neighbour join the trace.
 */
export const DEFAULT_PROPAGATORS: readonly PropagatorName[] = Object.freeze([
  'tracecontext',
  'baggage',
  'b3multi',
]);

const FACTORIES: Record<Exclude<PropagatorName, 'none'>, () => TextMapPropagator> = {
  tracecontext: () => new StrictTraceContextPropagator(),
  baggage: () => new StrictBaggagePropagator(),
  b3: () => new StrictB3Propagator({ injectEncoding: 'single' }),
  b3multi: () => new StrictB3Propagator({ injectEncoding: 'multi' }),
  jaeger: () => new GuardedJaegerPropagator(),
};

/**
 * One propagator for a list of names and/or propagator objects, in list order (see
 * {@link StrictCompositePropagator} for who wins on extract). `none` anywhere in the list means no
 * propagation at all, as `OTEL_PROPAGATORS=none` does in the spec. Repeated names count once.
 * Every member is guarded: a step of a propagator given in code that throws is skipped, and said
 * once per step (guard.ts).
 *
 * @example
 * propagation.setGlobalPropagator(createPropagator(['tracecontext', 'baggage', 'b3']));
 */
export function createPropagator(
  entries: readonly (PropagatorName | TextMapPropagator)[],
): TextMapPropagator {
  if (entries.includes('none')) {
    if (entries.length > 1) {
      log.warnOnce(
        'propagators-none',
        `propagators [${entries.map(describe).join(', ')}] include 'none', so nothing is propagated`,
      );
    }
    return new NoopPropagator();
  }
  const seen = new Set<string>();
  const members: TextMapPropagator[] = [];
  const given = new Set<TextMapPropagator>();
  for (const entry of entries) {
    if (typeof entry !== 'string') {
      members.push(entry);
      given.add(entry);
      continue;
    }
    if (seen.has(entry)) continue;
    seen.add(entry);
    const factory = Object.hasOwn(FACTORIES, entry) ? FACTORIES[entry as keyof typeof FACTORIES] : undefined;
    if (factory) members.push(factory());
    else log.warnOnce(`propagator-${entry}`, `propagator '${entry}' is unknown and was skipped`);
  }
  if (members.length === 0) return new NoopPropagator();
  return new StrictCompositePropagator(members, given);
}

function describe(entry: PropagatorName | TextMapPropagator): string {
  return typeof entry === 'string' ? entry : (entry.constructor?.name ?? 'custom');
}
