// Issue 20, item 3: string values have a default length limit (16 KiB), applied to span, event
// and link attributes, exception messages and stacks, and the status message (which the SDK's
// spanLimits leave whole, like the span name; src/export/value-length-limit.ts). Before, a 1 MB string was exported whole.
import { context, propagation, type Span, type SpanContext, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { getTracingHandle, initTracing } from '../../../src/sdk/init.js';
import type { TracingOptions } from '../../../src/types.js';

const LIMIT = 16 * 1024;
const big = (c: string) => c.repeat(1024 * 1024);

function resetGlobals() {
  trace.disable();
  context.disable();
  propagation.disable();
}

beforeEach(() => {
  resetGlobals();
  resetLogger();
  setLogSink(() => undefined);
});
afterEach(async () => {
  await getTracingHandle()?.shutdown();
  resetGlobals();
  resetLogger();
});

async function oneSpan(options: TracingOptions = {}, env: Record<string, string> = {}) {
  const exporter = new InMemorySpanExporter();
  const tracing = initTracing(
    { serviceName: 'svc', exporter, handleSignals: false, instrumentations: false, ...options },
    { OTEL_NODE_RESOURCE_DETECTORS: 'none', ...env },
  );
  const linked = tracing.tracer.startSpan('linked');
  linked.end();
  const span = tracing.tracer.startSpan('big', {
    attributes: { 'url.full': big('u'), list: ['short', big('l')], n: 7 },
    links: [{ context: linked.spanContext(), attributes: { note: big('k') } }],
  });
  span.addEvent('log', { message: big('m') });
  const error = new Error(big('e'));
  error.stack = `Error: ${big('s')}`;
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: big('x') });
  span.end();
  const named = tracing.tracer.startSpan(big('n'));
  named.end();
  await tracing.forceFlush();
  const finished = exporter.getFinishedSpans();
  return Object.assign(finished.find((s) => s.name === 'big')!, {
    longName: finished.find((s) => s.name.startsWith('nnnn'))!.name,
  });
}

describe('attribute value length limit', () => {
  it('cuts every string value to 16 KiB by default, the status message included', async () => {
    const span = await oneSpan();
    expect(span.attributes['url.full']).toBe('u'.repeat(LIMIT));
    expect(span.attributes.list).toEqual(['short', 'l'.repeat(LIMIT)]);
    expect(span.attributes.n).toBe(7);
    expect(span.links[0]!.attributes!.note).toBe('k'.repeat(LIMIT));
    expect(span.events[0]!.attributes!.message).toBe('m'.repeat(LIMIT));
    const exception = span.events.find((e) => e.name === 'exception')!.attributes!;
    expect(exception['exception.message']).toBe('e'.repeat(LIMIT));
    expect((exception['exception.stacktrace'] as string).length).toBe(LIMIT);
    expect(span.status.message).toBe('x'.repeat(LIMIT));
    expect(span.longName).toBe('n'.repeat(LIMIT));
  });

  it('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT overrides it, the status message too', async () => {
    const span = await oneSpan({}, { OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '100' });
    expect(span.attributes['url.full']).toBe('u'.repeat(100));
    expect(span.status.message).toBe('x'.repeat(100));
    expect(span.events[0]!.attributes!.message).toBe('m'.repeat(100));
  });

  it('the code option overrides it; Infinity keeps values whole', async () => {
    const span = await oneSpan({ spanLimits: { attributeValueLengthLimit: Number.POSITIVE_INFINITY } });
    expect(span.attributes['url.full']).toBe(big('u'));
    expect(span.status.message).toBe(big('x'));
    expect(span.longName).toBe(big('n'));
  });
});

// An array value kept every element (the SDK cuts each string, not the array): 100,000 strings
// cost 33 ms in span.end(), a million over 1 s, scrubbing and encoding each one.
describe('array values', () => {
  async function ended(build: (span: Span, linked: SpanContext) => void) {
    const exporter = new InMemorySpanExporter();
    const tracing = initTracing(
      { serviceName: 'svc', exporter, handleSignals: false, instrumentations: false },
      { OTEL_NODE_RESOURCE_DETECTORS: 'none' },
    );
    const linked = tracing.tracer.startSpan('linked');
    linked.end();
    const span = tracing.tracer.startSpan('arrays');
    build(span, linked.spanContext());
    span.end();
    await tracing.forceFlush();
    return exporter.getFinishedSpans().find((s) => s.name === 'arrays')!;
  }

  it('keeps at most 1,024 elements and 8 values at the length limit of text, named in acme.otel.truncated', async () => {
    const span = await ended((s) => {
      s.setAttribute(
        'ids',
        Array.from({ length: 100_000 }, (_, i) => `id-${i}`),
      );
      s.setAttribute(
        'numbers',
        Array.from({ length: 5000 }, (_, i) => i),
      );
      s.setAttribute('flags', new Array(2000).fill(true));
      s.setAttribute('pages', [...new Array(9).fill('p'.repeat(LIMIT)), 'q']);
      s.setAttribute('small', ['a', 'b']);
      s.setAttribute('holes', [null, ...new Array(8).fill('h'.repeat(LIMIT)), null, 'i']);
    });
    const ids = span.attributes.ids as string[];
    expect(ids.length).toBe(1024);
    expect(ids[1023]).toBe('id-1023');
    expect((span.attributes.numbers as number[]).length).toBe(1024);
    expect((span.attributes.flags as boolean[]).length).toBe(1024);
    expect(span.attributes.pages).toEqual(new Array(8).fill('p'.repeat(LIMIT)));
    expect(span.attributes.small).toEqual(['a', 'b']);
    expect(span.attributes.holes).toEqual([null, ...new Array(8).fill('h'.repeat(LIMIT)), null]);
    expect(span.attributes['acme.otel.truncated']).toEqual([
      'ids: 1024 of 100000 elements',
      'numbers: 1024 of 5000 elements',
      'flags: 1024 of 2000 elements',
      'pages: 8 of 10 elements',
      'holes: 10 of 11 elements',
    ]);
  });

  it('cuts event and link arrays too, and event names to the length limit', async () => {
    const span = await ended((s, linked) => {
      s.addEvent('e'.repeat(1024 * 1024), { list: new Array(3000).fill('v') });
      s.addLink({ context: linked, attributes: { list: new Array(1025).fill(1) } });
    });
    expect(span.events[0]!.name).toBe('e'.repeat(LIMIT));
    expect((span.events[0]!.attributes!.list as string[]).length).toBe(1024);
    expect((span.links[0]!.attributes!.list as number[]).length).toBe(1024);
    expect(span.attributes['acme.otel.truncated']).toEqual([
      'events[0].list: 1024 of 3000 elements',
      'links[0].list: 1024 of 1025 elements',
    ]);
  });

  it('leaves a span without long arrays as it was (no marker)', async () => {
    const span = await ended((s) => s.setAttribute('list', new Array(1024).fill('v')));
    expect((span.attributes.list as string[]).length).toBe(1024);
    expect(span.attributes['acme.otel.truncated']).toBeUndefined();
  });

  it('span.end() costs the same for a million elements as for a thousand (ratio, generous headroom)', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = initTracing(
      { serviceName: 'svc', exporter, handleSignals: false, instrumentations: false },
      { OTEL_NODE_RESOURCE_DETECTORS: 'none' },
    );
    const endTime = (elements: number) => {
      const value = new Array(elements).fill('abcdefgh');
      let best = Number.POSITIVE_INFINITY;
      for (let round = 0; round < 5; round++) {
        const span = tracing.tracer.startSpan('timed', { attributes: { list: value } });
        const t0 = performance.now();
        span.end();
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    endTime(1024); // compile the path first
    const small = endTime(1024);
    const huge = endTime(1_000_000);
    // Before: ~1,100 ms against ~0.3 ms. After: the same work (1,024 kept either way).
    expect(huge).toBeLessThan(Math.max(small * 10, 5));
  });
});
