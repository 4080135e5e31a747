import {
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { B3_DEBUG_FLAG_KEY, isB3Debug, setB3SamplingDecision } from './b3-context.js';
import {
  B3_SINGLE_HEADER,
  parseB3,
  X_B3_FLAGS,
  X_B3_PARENT_SPAN_ID,
  X_B3_SAMPLED,
  X_B3_SPAN_ID,
  X_B3_TRACE_ID,
} from './b3-parse.js';
import { guard } from './guard.js';
import { HeaderReader } from './headers.js';
import { flagsByte, idsForInject } from './ids.js';

/** Which B3 encoding `inject` writes. Both are always extracted. */
export type B3Encoding = 'single' | 'multi';

export interface StrictB3PropagatorOptions {
  /** `'single'`: one `b3` header (propagator name `b3`); `'multi'`: `X-B3-*` headers (`b3multi`). @default 'single' */
  injectEncoding?: B3Encoding;
}

/**
 * B3 (openzipkin/b3-propagation), strictly: lowercase hex of exact length only, sampling state
 * `0`/`1`/`d` (and `true`/`false` in `X-B3-Sampled`), nothing trailing. Debug survives a change
 * of encoding: `X-B3-Flags: 1` in, `-d` out, and the other way round.
 */
export class StrictB3Propagator implements TextMapPropagator {
  private readonly encoding: B3Encoding;

  constructor(options: StrictB3PropagatorOptions = {}) {
    this.encoding = options.injectEncoding ?? 'single';
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    guard('b3 inject', () => this.doInject(context, carrier, setter), undefined);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    return guard('b3 extract', () => this.doExtract(context, carrier, getter), context);
  }

  fields(): string[] {
    return this.encoding === 'single'
      ? [B3_SINGLE_HEADER]
      : [X_B3_TRACE_ID, X_B3_SPAN_ID, X_B3_FLAGS, X_B3_SAMPLED, X_B3_PARENT_SPAN_ID];
  }

  private doInject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    if (isTracingSuppressed(context)) return;
    const sc = trace.getSpanContext(context);
    const ids = idsForInject(sc);
    if (!sc || !ids) return;
    const debug = isB3Debug(context);
    const sampled = (flagsByte(sc) & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
    if (this.encoding === 'single') {
      setter.set(
        carrier,
        B3_SINGLE_HEADER,
        `${ids.traceId}-${ids.spanId}-${debug ? 'd' : sampled ? '1' : '0'}`,
      );
      return;
    }
    setter.set(carrier, X_B3_TRACE_ID, ids.traceId);
    setter.set(carrier, X_B3_SPAN_ID, ids.spanId);
    // Debug implies accept; the spec says not to send X-B3-Sampled alongside it.
    if (debug) setter.set(carrier, X_B3_FLAGS, '1');
    else setter.set(carrier, X_B3_SAMPLED, sampled ? '1' : '0');
  }

  private doExtract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const parsed = parseB3(new HeaderReader(getter, carrier));
    if (!parsed) return context;
    if (parsed.kind === 'sampling-only') return setB3SamplingDecision(context, parsed.decision);
    const debug = parsed.sampling === 'debug';
    // OTel has no "deferred" state: no decision is carried as not sampled, like upstream.
    const sampled = debug || parsed.sampling === 'accept';
    const withDebug = debug
      ? context.setValue(B3_DEBUG_FLAG_KEY, 'd')
      : context.deleteValue(B3_DEBUG_FLAG_KEY);
    return trace.setSpanContext(withDebug, {
      traceId: parsed.traceId,
      spanId: parsed.spanId,
      traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
      isRemote: true,
    });
  }
}
