// Spans travel through the real OTLP exporters (gRPC by default, and HTTP/protobuf) to a real
// receiver and arrive with the right resource, names, parent ids and attributes.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initTracing } from '../../src/sdk/init.js';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';
import { resetTracing } from '../support/reset.js';

let rx: OtlpReceiver;
beforeAll(async () => {
  rx = await startReceiver({ port: 0, http: true });
});
afterAll(() => rx.stop());
afterEach(async () => {
  await resetTracing();
  rx.clear();
});

async function produce(tracing: ReturnType<typeof initTracing>) {
  tracing.tracer.startActiveSpan(
    'GET /orders/:id',
    { kind: SpanKind.SERVER, attributes: { 'http.route': '/orders/:id' } },
    (root) => {
      tracing.tracer.startActiveSpan('load_order', (child) => {
        child.addEvent('cache_miss', { 'cache.key': 'order:42' });
        child.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
        child.end();
      });
      root.setAttribute('order.id', 42);
      root.end();
    },
  );
  await tracing.forceFlush();
}

describe.each([
  ['grpc (default)', () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint })],
  [
    'http/protobuf',
    () => ({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: rx.httpEndpoint!,
    }),
  ],
])('OTLP over %s', (_name, envFor) => {
  it('delivers spans with resource, names, parentage, attributes, events and status', async () => {
    const tracing = initTracing(
      {
        serviceName: 'order-service',
        serviceVersion: '1.2.0',
        environment: 'production',
        handleSignals: false,
        instrumentations: false,
        headers: { 'x-tenant': 'acme' },
      },
      { OTEL_NODE_RESOURCE_DETECTORS: 'none', ...envFor() },
    );
    await produce(tracing);
    const spans = await rx.waitForSpans(2);
    const root = spans.find((s) => s.name === 'GET /orders/:id')!;
    const child = spans.find((s) => s.name === 'load_order')!;
    expect(root.parentSpanId).toBe('');
    expect(root.kind).toBe('SERVER');
    expect(root.attributes).toMatchObject({ 'http.route': '/orders/:id', 'order.id': 42 });
    expect(child.parentSpanId).toBe(root.spanId);
    expect(child.traceId).toBe(root.traceId);
    expect(child.events).toMatchObject([{ name: 'cache_miss', attributes: { 'cache.key': 'order:42' } }]);
    expect(child.status).toEqual({ code: 'ERROR', message: 'boom' });
    expect(root.resource).toMatchObject({
      'service.name': 'order-service',
      'service.version': '1.2.0',
      'deployment.environment.name': 'production',
      'telemetry.sdk.name': 'opentelemetry',
    });
    expect(root.scope).toEqual({ name: 'order-service', version: '1.2.0' });
    expect(rx.metadata().some((m) => JSON.stringify(m).includes('acme'))).toBe(true);
  });
});

describe('OTLP/gRPC while the queue reuses its memory', () => {
  // Spans are encoded into 64 KiB slabs that are reused once their export is answered, and a
  // request is written as views of them. Here a slow collector (40 ms per answer) and requests
  // larger than HTTP/2's 64 KiB stream window (written over several turns) while new spans keep
  // ending into reused slabs: a slab reused too early would deliver another span's bytes.
  it('delivers every span with its own bytes', async () => {
    rx.setMode({ delayMs: 40 });
    try {
      const tracing = initTracing(
        {
          serviceName: 'slab-reuse',
          handleSignals: false,
          instrumentations: false,
          batch: { maxExportBatchSize: 256, scheduledDelayMillis: 5 },
        },
        { OTEL_NODE_RESOURCE_DETECTORS: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint },
      );
      const total = 3_000;
      for (let i = 0; i < total; i++) {
        tracing.tracer
          .startSpan(`s-${i}`, { attributes: { payload: `${i}:${'x'.repeat(600 + (i % 97))}` } })
          .end();
        if (i % 100 === 99) await new Promise((r) => setTimeout(r, 2));
      }
      await tracing.forceFlush();
      const spans = await rx.waitForSpans(total, { timeoutMs: 20_000 });
      expect(spans.length).toBe(total);
      const wrong = spans.filter((s) => {
        const i = Number(s.name.slice(2));
        return s.attributes.payload !== `${i}:${'x'.repeat(600 + (i % 97))}`;
      });
      expect(wrong.map((s) => s.name)).toEqual([]);
      expect(new Set(spans.map((s) => s.name)).size).toBe(total);
    } finally {
      rx.setMode('ok');
    }
  });
});

describe('OTLP gzip compression', () => {
  // grpc-js hides grpc-encoding from the server's metadata, so the wire check uses OTLP/HTTP.
  it('is honoured from OTEL_EXPORTER_OTLP_COMPRESSION', async () => {
    const tracing = initTracing(
      { serviceName: 'gz', handleSignals: false, instrumentations: false },
      {
        OTEL_NODE_RESOURCE_DETECTORS: 'none',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: rx.httpEndpoint!,
        OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      },
    );
    await produce(tracing);
    expect(await rx.waitForSpans(2)).toHaveLength(2);
    expect(rx.metadata().some((m) => (m as Record<string, unknown>)['content-encoding'] === 'gzip')).toBe(
      true,
    );
  });
});
