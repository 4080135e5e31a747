// `tracer.startSpan(name, { attributes })` on our tracers, where attributes is a string or an array:
// the SDK walks it with `for…in`, taking each character (element) for an attribute named `0`, `1`, …
// (an array of 1,000,000 elements: 1.7 s, Node 20, sdk-trace 2.12). `withSpan`/`traced` refuse such
// `attributes` since 7710446 (with-span.test.ts); `span.setAttributes(x)` is the SDK's own method.
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initTracing } from '../../../src/sdk/init.js';
import { counted } from '../../support/hostile.js';
import { captureLogLines, resetTracing } from '../../support/reset.js';

let lines: string[];
let exporter: InMemorySpanExporter;
let tracing: ReturnType<typeof initTracing>;
beforeEach(() => {
  lines = captureLogLines();
  exporter = new InMemorySpanExporter();
  tracing = initTracing(
    { serviceName: 'svc', exporter, handleSignals: false, instrumentations: false },
    { OTEL_NODE_RESOURCE_DETECTORS: 'none' },
  );
});
afterEach(async () => {
  await resetTracing();
});

async function exported(name: string) {
  await tracing.forceFlush();
  const span = exporter.getFinishedSpans().find((s) => s.name === name);
  if (!span) throw new Error(`no span ${name}`);
  return span;
}

describe('startSpan given such attributes', () => {
  // Our tracers start a span bare and set its start attributes right after when nothing reads them
  // at start (src/sampling/start-attributes.ts): a string went to span.setAttributes, walked.
  it('a string: the span starts without it (it had 0, 1, 2 for "abc")', async () => {
    tracing.tracer.startSpan('option', { attributes: 'abc' as never }).end();
    expect((await exported('option')).attributes).toEqual({});
    expect(lines.filter((l) => l.includes('was given'))).toEqual([
      '[@acme/otel] tracer.startSpan("option") was given a string (3 characters) as attributes, not an object: started without them (the SDK would take each of its characters for an attribute named 0, 1, …)',
    ]);
  });

  // With a processor of the user's (or a sampler) start attributes go to the SDK's startSpan, which
  // walks an array whole before any processor sees the span.
  it('an array, with a span processor of the user: not walked either', async () => {
    await resetTracing();
    lines = captureLogLines();
    exporter = new InMemorySpanExporter(); // the first one was shut down with its pipeline
    const seen: string[] = [];
    tracing = initTracing(
      {
        serviceName: 'svc',
        exporter,
        handleSignals: false,
        instrumentations: false,
        spanProcessors: [
          {
            onStart: (span) => seen.push(span.name),
            onEnd: () => undefined,
            forceFlush: () => Promise.resolve(),
            shutdown: () => Promise.resolve(),
          },
        ],
      },
      { OTEL_NODE_RESOURCE_DETECTORS: 'none' },
    );
    const { list, reads } = counted(new Array(1_000_000).fill('v'));
    tracing.tracer.startSpan('listed', { attributes: list as never }).end();
    expect(reads()).toBe(0);
    expect(seen).toEqual(['listed']);
    expect((await exported('listed')).attributes).toEqual({});
    expect(lines.filter((l) => l.includes('was given'))).toEqual([
      '[@acme/otel] tracer.startSpan("listed") was given an array (1,000,000 elements) as attributes, not an object: started without them (the SDK would take each of its elements for an attribute named 0, 1, …)',
    ]);
  });
});
