import {
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';
import { B3_CONTEXT_KEYS } from './b3-context.js';
import { guard, logSkipped } from './guard.js';
import { isStrictSpanContext } from './ids.js';

/**
 * Runs several propagators. `inject` writes every format. `extract` runs every propagator, so
 * baggage and trace formats all apply, but the span context comes from the FIRST propagator in
 * list order that extracts a valid one; later trace formats cannot overwrite it. (Upstream's
 * CompositePropagator lets the last one win.) The default list puts `tracecontext` first, so W3C
 * wins over B3 when a request carries both: it is the newer, standardised format, and its
 * tracestate and random flag would be lost if B3 replaced it.
 */
export class StrictCompositePropagator implements TextMapPropagator {
  private readonly propagators: readonly TextMapPropagator[];

  constructor(propagators: readonly TextMapPropagator[]) {
    this.propagators = [...propagators];
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    for (const propagator of this.propagators) {
      guard('inject', () => propagator.inject(context, carrier, setter), undefined);
    }
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    let current = context;
    let extracted = false;
    // Once per incoming request, mostly finding nothing: no closure per propagator, and a
    // propagator that returns its input context unchanged costs one comparison.
    for (const propagator of this.propagators) {
      const before = current;
      let after: Context;
      try {
        after = propagator.extract(before, carrier, getter);
      } catch (error) {
        logSkipped('extract', error);
        continue;
      }
      if (after === before) continue;
      const span = trace.getSpan(after);
      if (span !== trace.getSpan(before)) {
        if (!extracted && isStrictSpanContext(span?.spanContext())) {
          extracted = true;
          current = after;
        } else {
          // A losing (or invalid) trace format: keep what else it extracted (e.g. Jaeger baggage),
          // but not its span context nor the B3 debug / sampling-only values that belong to it.
          current = restoreTraceValues(after, before);
        }
      } else {
        // Span unchanged; once a trace was extracted, a later sampling-only B3 header is moot.
        current = extracted ? restoreTraceValues(after, before) : after;
      }
    }
    return current;
  }

  fields(): string[] {
    const names = new Set<string>();
    for (const propagator of this.propagators) {
      for (const name of guard('fields', () => propagator.fields(), [])) names.add(name);
    }
    return [...names];
  }
}

function restoreTraceValues(after: Context, before: Context): Context {
  const span = trace.getSpan(before);
  let ctx = span ? trace.setSpan(after, span) : trace.deleteSpan(after);
  for (const key of B3_CONTEXT_KEYS) {
    const value = before.getValue(key);
    ctx = value === undefined ? ctx.deleteValue(key) : ctx.setValue(key, value);
  }
  return ctx;
}
