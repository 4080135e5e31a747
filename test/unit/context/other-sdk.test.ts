// README: the helpers "use the global OpenTelemetry API, so they work with initTracing() and with
// any other SDK setup". Here the setup is upstream's own, without initTracing: BasicTracerProvider,
// AsyncLocalStorageContextManager and the W3C propagators registered by hand.
import { EventEmitter } from 'node:events';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  bindContext,
  bindEmitter,
  extractContext,
  getBaggage,
  injectContext,
  runDetached,
  withBaggage,
  withExtractedContext,
  withSpan,
} from '../../../src/context/index.js';
import { traceFields } from '../../../src/log-correlation/index.js';

let exporter: InMemorySpanExporter;
let provider: BasicTracerProvider;
beforeEach(() => {
  trace.disable();
  context.disable();
  propagation.disable();
  exporter = new InMemorySpanExporter();
  provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
});
afterEach(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

const span = (name: string) => {
  const found = exporter.getFinishedSpans().find((s) => s.name === name);
  if (!found) throw new Error(`no span ${name}`);
  return found;
};

it('withSpan, bindContext, bindEmitter, runDetached, carriers, baggage and traceFields work on upstream SDK setup', async () => {
  const startupQueue: (() => void)[] = [];
  const startupEmitter = new EventEmitter();
  let fields: Record<string, string> = {};
  let carrier: Record<string, string> = {};
  let task!: Promise<unknown>;
  await withSpan('request', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    startupQueue.push(bindContext(() => withSpan('queued', () => undefined)));
    bindEmitter(startupEmitter).on('data', () => withSpan('listener', () => undefined));
    task = runDetached('detached', async () => 'done');
    fields = traceFields();
    carrier = withBaggage({ 'tenant.id': 'acme' }, () => injectContext());
  });
  context.with(context.active(), () => {
    startupQueue.shift()?.();
    startupEmitter.emit('data');
  });
  await expect(task).resolves.toBe('done');
  const seen = await withExtractedContext(carrier, 'consume', async () => getBaggage('tenant.id'));
  expect(seen).toBe('acme');

  const request = span('request');
  const { traceId, spanId } = request.spanContext();
  for (const child of ['queued', 'listener', 'detached', 'consume'])
    expect(span(child).parentSpanContext?.spanId, child).toBe(spanId);
  expect(fields).toEqual({ trace_id: traceId, span_id: spanId, trace_flags: '01' });
  expect(trace.getSpanContext(extractContext(carrier))?.spanId).toBe(spanId);
});
