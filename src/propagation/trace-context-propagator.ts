import {
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { guard, logSkipped } from './guard.js';
import { HeaderReader, INVALID, joinWithin, trimOws } from './headers.js';
import { flagsByte, idsForInject } from './ids.js';
import { MAX_TRACE_STATE_READ, StrictTraceState } from './trace-state.js';
import { formatTraceparent, parseTraceparent } from './traceparent.js';

export const TRACEPARENT_HEADER = 'traceparent';
export const TRACESTATE_HEADER = 'tracestate';

/**
 * W3C Trace Context Level 2, strictly. An invalid `traceparent` (including several of them)
 * leaves the context unchanged, so a new trace starts. Of `tracestate` only invalid members are
 * dropped (see {@link StrictTraceState.parse}); a bad one never affects the `traceparent`.
 * The trace-flags byte is kept as received, so the random-trace-id flag (0x02) survives a hop.
 */
export class StrictTraceContextPropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    guard('tracecontext inject', () => this.doInject(context, carrier, setter), undefined);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    return guard('tracecontext extract', () => this.doExtract(context, carrier, getter), context);
  }

  fields(): string[] {
    return [TRACEPARENT_HEADER, TRACESTATE_HEADER];
  }

  private doInject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    if (isTracingSuppressed(context)) return;
    const sc = trace.getSpanContext(context);
    const ids = idsForInject(sc);
    if (!sc || !ids) return;
    setter.set(carrier, TRACEPARENT_HEADER, formatTraceparent(ids.traceId, ids.spanId, flagsByte(sc)));
    // Re-validate: the trace state may be upstream's lenient one, or one the application built.
    const serialized = sc.traceState?.serialize();
    if (serialized) {
      const state = StrictTraceState.parse(serialized);
      if (state) setter.set(carrier, TRACESTATE_HEADER, state.serialize());
    }
  }

  private doExtract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const headers = new HeaderReader(getter, carrier);
    const raw = headers.one(TRACEPARENT_HEADER);
    if (raw === undefined || raw === INVALID) return context;
    const parsed = parseTraceparent(trimOws(raw));
    if (!parsed) return context;
    // Several tracestate headers are one list split over lines (RFC 7230 §3.2.2): join them. A
    // tracestate that cannot be read (a carrier's getter that throws) is dropped, the traceparent
    // kept, as W3C Trace Context says of one that cannot be parsed.
    let traceState: StrictTraceState | undefined;
    try {
      const stateValues = headers.all(TRACESTATE_HEADER);
      if (stateValues !== undefined && stateValues !== INVALID)
        traceState = StrictTraceState.parse(joinWithin(stateValues, MAX_TRACE_STATE_READ));
    } catch (error) {
      logSkipped('tracestate extract', error);
    }
    return trace.setSpanContext(context, {
      traceId: parsed.traceId,
      spanId: parsed.spanId,
      traceFlags: parsed.traceFlags,
      isRemote: true,
      ...(traceState ? { traceState } : {}),
    });
  }
}
