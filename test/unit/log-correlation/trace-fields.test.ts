import { context, TraceFlags, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withSpan } from '../../../src/context/index.js';
import { traceFields } from '../../../src/log-correlation/index.js';
import type { TestTracing } from '../../../src/testing/index.js';
import { resetTracing, setupTestTracing } from '../../../src/testing/index.js';

let tracing: TestTracing;
beforeEach(() => {
  resetTracing();
  tracing = setupTestTracing();
});
afterEach(() => tracing.shutdown());

describe('traceFields', () => {
  it('gives the active span ids as lowercase hex and flags as two hex digits', () => {
    const fields = withSpan('request', () => traceFields());
    const span = tracing.expectSpan('request').spanContext();
    expect(fields).toEqual({ trace_id: span.traceId, span_id: span.spanId, trace_flags: '01' });
    expect(fields.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(fields.span_id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives all-zero ids with no span, or nothing with whenNoSpan: "omit"', () => {
    expect(traceFields()).toEqual({
      trace_id: '00000000000000000000000000000000',
      span_id: '0000000000000000',
      trace_flags: '00',
    });
    expect(traceFields({ whenNoSpan: 'omit' })).toEqual({});
    expect(() => traceFields({ whenNoSpan: 'never' as 'omit' })).toThrow(/whenNoSpan="never"/);
  });

  it('treats an invalid span context as no span', () => {
    const invalid = trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 });
    expect(traceFields({ whenNoSpan: 'omit', context: trace.setSpan(context.active(), invalid) })).toEqual(
      {},
    );
  });

  it('reports an unsampled span with flags 00', () => {
    const unsampled = trace.wrapSpanContext({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.NONE,
    });
    expect(traceFields({ context: trace.setSpan(context.active(), unsampled) })).toEqual({
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
      trace_flags: '00',
    });
  });

  it('renames fields, and can leave the flags out', () => {
    const fields = withSpan('request', () =>
      traceFields({ keys: { traceId: 'dd.trace_id', spanId: 'dd.span_id', traceFlags: false } }),
    );
    const span = tracing.expectSpan('request').spanContext();
    expect(fields).toEqual({ 'dd.trace_id': span.traceId, 'dd.span_id': span.spanId });
  });
});
