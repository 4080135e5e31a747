import {
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import type { JaegerPropagator } from '@opentelemetry/propagator-jaeger';
import { lazyRequire } from '../util/index.js';
import { guard } from './guard.js';
import { flagsByte, idsForInject } from './ids.js';
import { withJaegerBaggage } from './jaeger-baggage.js';

/**
 * The longest `uber-trace-id` read: a valid one is at most 75 characters (32 + 16 + 16 + 2 hex
 * digits and three `:`, percent-encoded as `%3A`); upstream decoded and split a 1 MB one (181 ms).
 */
const MAX_TRACE_HEADER = 256;

function isShort(value: unknown): boolean {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first !== 'string' || first.length <= MAX_TRACE_HEADER;
}

/**
 * Upstream `@opentelemetry/propagator-jaeger`, made safe to sit next to W3C Level 2:
 * - inject passes only the sampled bit, because in Jaeger's flags 0x02 means *debug*, while in
 *   W3C trace-flags 0x02 is the random-trace-id flag;
 * - inject writes lowercase ids only (skips span contexts whose ids are not valid hex);
 * - extract lowercases ids, since upstream passes `uber-trace-id` hex through as received;
 * - extract reads an `uber-trace-id` of at most {@link MAX_TRACE_HEADER} characters, and the
 *   baggage headers itself, in one pass and within 8192 bytes (jaeger-baggage.ts).
 */
export class GuardedJaegerPropagator implements TextMapPropagator {
  // Loaded on construction, not at import: jaeger is not a default propagator and its package
  // (34 modules with its own copy of core) would otherwise cost every service start-up.
  private readonly upstream: JaegerPropagator = new (
    lazyRequire('@opentelemetry/propagator-jaeger') as typeof import('@opentelemetry/propagator-jaeger')
  ).JaegerPropagator();

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    guard(
      'jaeger inject',
      () => {
        const sc = trace.getSpanContext(context);
        const ids = idsForInject(sc);
        const safe =
          sc && ids
            ? trace.setSpanContext(context, { ...sc, ...ids, traceFlags: flagsByte(sc) & TraceFlags.SAMPLED })
            : trace.deleteSpan(context);
        this.upstream.inject(safe, carrier, setter);
      },
      undefined,
    );
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    return guard(
      'jaeger extract',
      () => {
        // Upstream is given the trace header only (no keys, so no baggage headers).
        const traced = this.upstream.extract(context, carrier, {
          get: (c, key) => {
            const value = getter.get(c, key);
            return isShort(value) ? value : undefined;
          },
          keys: () => [],
        });
        const sc = trace.getSpanContext(traced);
        const ids = sc && sc !== trace.getSpanContext(context) ? idsForInject(sc) : undefined;
        const extracted = sc && ids ? trace.setSpanContext(traced, { ...sc, ...ids }) : traced;
        return withJaegerBaggage(extracted, carrier, getter);
      },
      context,
    );
  }

  fields(): string[] {
    return this.upstream.fields();
  }
}
