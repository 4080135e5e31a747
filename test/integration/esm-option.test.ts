// `initTracing({ esm: true })` in a file preloaded with `node --import`: an ESM app's `import
// express from 'express'` is instrumented exactly as with `--import @acme/otel/register`.
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnNode } from '../support/child.js';
import { type OtlpReceiver, type ReceivedSpan, startReceiver } from '../support/otlp-receiver.mjs';

let rx: OtlpReceiver;
beforeAll(async () => {
  rx = await startReceiver({ port: 0 });
});
afterAll(() => rx.stop());

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

it('instruments express, http and fetch in an ESM app configured in code', async () => {
  const child = spawnNode(['--import', './test/fixtures/esm-tracing.mjs', 'test/fixtures/register-app.mjs'], {
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
  });
  await child.waitForOutput(/listening on \d+/);
  const port = Number(/listening on (\d+)/.exec(child.output())?.[1]);
  expect(await get(port, '/orders/7')).toBe(200);
  child.proc.kill('SIGTERM');
  expect((await child.exited).code).toBe(143);

  const spans = rx.spans();
  const path = (s: (typeof spans)[number]) =>
    String(s.attributes['url.path'] ?? s.attributes['http.target'] ?? '');
  const server = spans.find((s) => s.kind === 'SERVER' && path(s) === '/orders/7');
  expect(server, JSON.stringify(spans.map((s) => [s.name, s.attributes]))).toBeDefined();
  expect(server!.resource['service.name']).toBe('esm-code-config');
  // The express instrumentation's own span: proof that `import express from 'express'` was patched
  // (the router instrumentation, which could patch express 5's CommonJS `router` dependency even
  // without the loader hook, is off by default).
  const handler = spans.find((s) => s.name === 'request handler' && s.parentSpanId === server!.spanId);
  expect(handler?.scope.name).toBe('@opentelemetry/instrumentation-express');
  expect(server!.attributes['http.route']).toBe('/orders/:id');
  expectOneSpanPerLayer(spans.filter((s) => s.traceId === server!.traceId));
  const client = spans.find((s) => s.kind === 'CLIENT' && s.traceId === server!.traceId);
  expect(client?.parentSpanId).not.toBe('');
  const inventory = spans.find((s) => s.kind === 'SERVER' && path(s) === '/inventory/7');
  expect(inventory?.traceId).toBe(server!.traceId);
  expect(inventory?.parentSpanId).toBe(client!.spanId);
});

/**
 * One span per express layer. With express 5 (which routes through the standalone `router`
 * package) and the router instrumentation on, every layer had two: `middleware - patched` around
 * `middleware - jsonParser`, `request handler` around `request handler - /orders/:id`.
 */
function expectOneSpanPerLayer(trace: ReceivedSpan[]): void {
  expect(trace.filter((s) => s.scope.name === '@opentelemetry/instrumentation-router')).toEqual([]);
  const layers = trace.filter((s) => s.scope.name === '@opentelemetry/instrumentation-express');
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  for (const layer of layers) {
    // A layer span sits directly under its server span, never inside another layer's span.
    expect(byId.get(layer.parentSpanId)?.kind, layer.name).toBe('SERVER');
  }
  for (const server of trace.filter((s) => s.kind === 'SERVER')) {
    const handlers = layers.filter(
      (s) => s.parentSpanId === server.spanId && s.attributes['express.type'] === 'request_handler',
    );
    expect(handlers, server.name).toHaveLength(1);
  }
}
