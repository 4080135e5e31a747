// Issue 20, item 3: string values have a default length limit (16 KiB), applied to span, event
// and link attributes, exception messages and stacks, and the status message (which the SDK's
// spanLimits leave whole, like the span name; src/export/value-length-limit.ts). Before, a 1 MB string was exported whole.
import { context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
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
