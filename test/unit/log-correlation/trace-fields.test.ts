import { context, TraceFlags, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withSpan } from '../../../src/context/index.js';
import type { TraceFieldKeys } from '../../../src/log-correlation/index.js';
import { pinoMixin, traceFields, winstonFormat } from '../../../src/log-correlation/index.js';
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

  it('refuses field names that would lose a field, naming the option and the value', () => {
    // One name for two fields: the second was skipped as already set, so span_id was never
    // written; an empty or non-string name became a key like "" or "undefined".
    const bad: [TraceFieldKeys, RegExp][] = [
      [{ traceId: 'id', spanId: 'id' }, /keys\.spanId="id": keys\.traceId has that name already/],
      [{ spanId: 'trace_flags' }, /keys\.traceFlags="trace_flags": keys\.spanId has that name already/],
      [{ traceId: '' }, /keys\.traceId="": expected a non-empty string$/],
      [{ spanId: 5 as unknown as string }, /keys\.spanId=5: expected a non-empty string$/],
      [
        { traceFlags: true as unknown as string },
        /keys\.traceFlags=true: expected a non-empty string or false/,
      ],
      [{ traceId: '__proto__' }, /keys\.traceId="__proto__": a log record cannot have a field of that name/],
    ];
    for (const [keys, message] of bad) {
      expect(() => traceFields({ keys })).toThrow(message);
      expect(() => pinoMixin({ keys })).toThrow(TypeError);
      expect(() => winstonFormat({ keys })).toThrow(TypeError);
    }
    expect(() => traceFields({ keys: { traceId: 'id', spanId: 'id', traceFlags: false } })).toThrow(
      /keys\.spanId="id"/,
    );
  });
});
