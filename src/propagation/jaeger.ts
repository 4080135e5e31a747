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

/**
 * Upstream `@opentelemetry/propagator-jaeger`, made safe to sit next to W3C Level 2:
 * - inject passes only the sampled bit, because in Jaeger's flags 0x02 means *debug*, while in
 *   W3C trace-flags 0x02 is the random-trace-id flag;
 * - inject writes lowercase ids only (skips span contexts whose ids are not valid hex);
 * - extract lowercases ids, since upstream passes `uber-trace-id` hex through as received.
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
        const extracted = this.upstream.extract(context, carrier, getter);
        const sc = trace.getSpanContext(extracted);
        if (!sc || sc === trace.getSpanContext(context)) return extracted;
        const ids = idsForInject(sc);
        return ids ? trace.setSpanContext(extracted, { ...sc, ...ids }) : extracted;
      },
      context,
    );
  }

  fields(): string[] {
    return this.upstream.fields();
  }
}
