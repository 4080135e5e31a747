// The children of unsampled spans, made without the SDK's pass when the sampler is a named
// parentbased_* one (src/sampling/random-flag.ts, `unsampledChild`): for any parent (sampled or
// not, random flag or not, trace state or not, valid ids or not, remote or local), any context
// (suppressed or not) and `root` or not, the span must be what the SDK's tracer gives through the
// same wrapper without the fast path: recording or not, the same trace id, flags and trace state,
// and a span id from the same generator.
import {
  type Context,
  context,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { suppressTracing, TraceState } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type Sampler,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PooledIdGenerator } from '../../../src/sampling/id-generator.js';
import { keepRandomFlagOnUnrecordedSpans } from '../../../src/sampling/random-flag.js';
import { createSampler } from '../../../src/sampling/sampler.js';
import { useAcmeContextManager } from '../../support/reset.js';

function tracerWith(fastPath: boolean, sampler: 'parentbased_always_on' | 'parentbased_traceidratio') {
  const ids = new PooledIdGenerator();
  const exporter = new InMemorySpanExporter();
  // Ratio 0: a new root is never sampled, so both sides decide it alike despite random ids.
  const named = createSampler({ sampler, sampleRatio: 0 }, ids);
  const consulted = { count: 0 };
  const counting: Sampler = {
    shouldSample: (...args: Parameters<Sampler['shouldSample']>) => {
      consulted.count++;
      return named.shouldSample(...args);
    },
    toString: () => named.toString(),
  };
  const provider = new BasicTracerProvider({
    idGenerator: ids,
    sampler: counting,
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  keepRandomFlagOnUnrecordedSpans(provider, fastPath ? ids : undefined);
  return { tracer: provider.getTracer('t'), exporter, consulted };
}

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const parentArb = fc.record({
  traceId: fc.oneof(hex(32), fc.constantFrom('0'.repeat(32), 'ABC', `${'a'.repeat(31)}g`)),
  spanId: fc.oneof(hex(16), fc.constantFrom('0'.repeat(16), 'xyz')),
  traceFlags: fc.integer({ min: 0, max: 3 }),
  isRemote: fc.boolean(),
  traceState: fc.option(fc.constantFrom('a=1', 'vendor=x,b=2'), { nil: undefined }),
});

interface Parent {
  traceId: string;
  spanId: string;
  traceFlags: number;
  isRemote: boolean;
  traceState?: string | undefined;
}

function parentContext(p: Parent): Context {
  const { traceState, ...rest } = p;
  const sc: SpanContext = { ...rest, ...(traceState ? { traceState: new TraceState(traceState) } : {}) };
  return trace.setSpanContext(ROOT_CONTEXT, sc);
}

function shape(span: Span) {
  const sc = span.spanContext();
  return {
    recording: span.isRecording(),
    traceId: sc.traceId,
    traceFlags: sc.traceFlags,
    traceState: sc.traceState?.serialize(),
    spanIdValid: trace.isSpanContextValid(sc),
  };
}

useAcmeContextManager();

describe('children of unsampled spans', () => {
  for (const sampler of ['parentbased_always_on', 'parentbased_traceidratio'] as const) {
    it(`${sampler}: the same span as the SDK's, for any parent and context`, () => {
      const fast = tracerWith(true, sampler);
      const sdk = tracerWith(false, sampler);
      fc.assert(
        fc.property(parentArb, fc.boolean(), fc.boolean(), fc.boolean(), (p, suppressed, root, active) => {
          let ctx = parentContext(p);
          if (suppressed) ctx = suppressTracing(ctx);
          const options = { kind: SpanKind.CLIENT, attributes: { 'a.b': 1 }, ...(root ? { root } : {}) };
          // Either the context given, or the active one (startActiveSpan's way).
          const start = (t: typeof fast.tracer) =>
            active
              ? context.with(ctx, () => t.startSpan('child', options))
              : t.startSpan('child', options, ctx);
          const a = start(fast.tracer);
          const b = start(sdk.tracer);
          const sa = shape(a);
          const sb = shape(b);
          // A new root's trace id is random on both sides; only its validity compares.
          if (sb.traceId !== p.traceId) {
            expect(sa.traceId).not.toBe(p.traceId);
            sa.traceId = sb.traceId;
          }
          expect(sa).toEqual(sb);
          if (sb.spanIdValid && sb.traceId === p.traceId) expect(a.spanContext().spanId).not.toBe(p.spanId);
          a.end();
          b.end();
        }),
        { numRuns: 500 },
      );
      // Recorded children still reach the processors on the fast side.
      expect(fast.exporter.getFinishedSpans().length).toBe(sdk.exporter.getFinishedSpans().length);
      expect(fast.exporter.getFinishedSpans().length).toBeGreaterThan(0);
    });
  }

  it('takes the fast path: an unsampled parent gives a non-recording child without the sampler', () => {
    const { tracer, consulted } = tracerWith(true, 'parentbased_always_on');
    const ctx = parentContext({
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      traceFlags: TraceFlags.NONE | 0x02,
      isRemote: true,
      traceState: 'a=1',
    });
    const child = tracer.startSpan('c', {}, ctx);
    expect(child.isRecording()).toBe(false);
    expect(child.spanContext()).toMatchObject({ traceId: 'a'.repeat(32), traceFlags: 0x02 });
    expect(child.spanContext().traceState?.serialize()).toBe('a=1');
    // A second child under the same (already checked) parent: a new span id each.
    expect(tracer.startSpan('d', {}, ctx).spanContext().spanId).not.toBe(child.spanContext().spanId);
    expect(consulted.count).toBe(0);
    // A sampled parent, a root, and the SDK's own path still ask the sampler.
    const sampled = trace.setSpanContext(ROOT_CONTEXT, {
      ...child.spanContext(),
      traceFlags: TraceFlags.SAMPLED,
    });
    tracer.startSpan('e', {}, sampled).end();
    tracer.startSpan('f', { root: true }, ctx).end();
    expect(consulted.count).toBe(2);
    const sdk = tracerWith(false, 'parentbased_always_on');
    sdk.tracer.startSpan('c', {}, ctx);
    expect(sdk.consulted.count).toBe(1);
  });
});
