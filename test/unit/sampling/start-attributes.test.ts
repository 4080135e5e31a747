// Start attributes set right after the start when nothing reads them (src/sampling/start-attributes.ts),
// through the startSpan wrapper every tracer of our provider gets (src/sampling/random-flag.ts):
// a processor's onStart is the only thing that can tell the difference, and the span ends with the
// same attributes, in the same order, with the same limits applied, as when they are given at start.
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type Span,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { keepRandomFlagOnUnrecordedSpans } from '../../../src/sampling/random-flag.js';
import { setStartAttributesRead } from '../../../src/sampling/start-attributes.js';

afterEach(() => setStartAttributesRead(true));

function setup(sampler = new AlwaysOnSampler()) {
  const atStart: Record<string, unknown>[] = [];
  const watch: SpanProcessor = {
    onStart: (span: Span) => void atStart.push({ ...(span as unknown as ReadableSpan).attributes }),
    onEnd: () => {},
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    sampler,
    spanLimits: { attributeCountLimit: 3 },
    spanProcessors: [watch, new SimpleSpanProcessor(exporter)],
  });
  keepRandomFlagOnUnrecordedSpans(provider);
  return { tracer: provider.getTracer('t'), atStart, exporter };
}

const ATTRIBUTES = { b: 1, a: 'x', bad: { nested: true } as never, c: [1, 2], d: true };

function run(read: boolean) {
  setStartAttributesRead(read);
  const { tracer, atStart, exporter } = setup();
  const options = { kind: SpanKind.SERVER, attributes: ATTRIBUTES };
  const span = tracer.startSpan('s', options, ROOT_CONTEXT);
  span.setAttribute('late', 1);
  span.end();
  const [ended] = exporter.getFinishedSpans();
  return { atStart: atStart[0], ended: ended!, options };
}

describe('start attributes', () => {
  it('are given at start while something may read them, and set right after otherwise', () => {
    expect(run(true).atStart).toEqual({ b: 1, a: 'x', c: [1, 2] });
    expect(run(false).atStart).toEqual({});
  });

  it('end the same either way: order, the invalid value dropped, the count limit, the kind', () => {
    const given = run(true);
    const after = run(false);
    expect(Object.entries(after.ended.attributes)).toEqual(Object.entries(given.ended.attributes));
    expect(Object.keys(after.ended.attributes)).toEqual(['b', 'a', 'c']);
    expect(after.ended.droppedAttributesCount).toBe(given.ended.droppedAttributesCount);
    expect(after.ended.droppedAttributesCount).toBe(2);
    expect(after.ended.kind).toBe(SpanKind.SERVER);
    // The caller's options are left as they were.
    expect(after.options.attributes).toBe(ATTRIBUTES);
  });
});
