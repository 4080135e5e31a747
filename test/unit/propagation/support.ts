import {
  type Context,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  ROOT_CONTEXT,
  type SpanContext,
  type TextMapPropagator,
  trace,
} from '@opentelemetry/api';

export type Headers = Record<string, string | string[]>;

/** Reset OTel globals, as every propagation test starts from nothing. */
export function resetGlobals(): void {
  trace.disable();
  context.disable();
  propagation.disable();
}

export function extract(
  propagator: TextMapPropagator,
  headers: Headers,
  ctx: Context = ROOT_CONTEXT,
): Context {
  return propagator.extract(ctx, headers, defaultTextMapGetter);
}

export function inject(propagator: TextMapPropagator, ctx: Context): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, defaultTextMapSetter);
  return carrier;
}

export function spanContextOf(ctx: Context): SpanContext | undefined {
  return trace.getSpanContext(ctx);
}

export function withSpanContext(sc: Partial<SpanContext> & Pick<SpanContext, 'traceId' | 'spanId'>): Context {
  return trace.setSpanContext(ROOT_CONTEXT, { traceFlags: 1, isRemote: false, ...sc });
}

export const TRACEPARENT_RE = /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-3]$/;
export const B3_SINGLE_RE = /^[0-9a-f]{32}-[0-9a-f]{16}-[01d]$/;
export const TRACE_ID_RE = /^[0-9a-f]{32}$/;
export const SPAN_ID_RE = /^[0-9a-f]{16}$/;

/** Every trace header we wrote is well formed: lowercase, exact lengths, non-zero ids. */
export function assertValidTraceHeaders(carrier: Record<string, string>): string[] {
  const problems: string[] = [];
  const zeroId = /^0+$/;
  const tp = carrier.traceparent;
  if (tp !== undefined) {
    const [, t = '', s = ''] = tp.split('-');
    if (!TRACEPARENT_RE.test(tp) || zeroId.test(t) || zeroId.test(s)) problems.push(`traceparent ${tp}`);
  }
  const b3 = carrier.b3;
  if (b3 !== undefined) {
    const [t = '', s = ''] = b3.split('-');
    if (!B3_SINGLE_RE.test(b3) || zeroId.test(t) || zeroId.test(s)) problems.push(`b3 ${b3}`);
  }
  const tid = carrier['x-b3-traceid'];
  const sid = carrier['x-b3-spanid'];
  if (tid !== undefined || sid !== undefined) {
    if (!TRACE_ID_RE.test(tid ?? '') || zeroId.test(tid ?? '')) problems.push(`x-b3-traceid ${tid}`);
    if (!SPAN_ID_RE.test(sid ?? '') || zeroId.test(sid ?? '')) problems.push(`x-b3-spanid ${sid}`);
    const sampled = carrier['x-b3-sampled'];
    const flags = carrier['x-b3-flags'];
    if (sampled !== undefined && sampled !== '0' && sampled !== '1') problems.push(`x-b3-sampled ${sampled}`);
    if (flags !== undefined && flags !== '1') problems.push(`x-b3-flags ${flags}`);
    if (sampled !== undefined && flags !== undefined) problems.push('both x-b3-sampled and x-b3-flags');
  }
  return problems;
}
