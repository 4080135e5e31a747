// `initTracing({ esm: true })` in a file preloaded with `node --import`: an ESM app's `import
// express from 'express'` is instrumented exactly as with `--import @acme/otel/register`.
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnNode } from './support/child.js';
import { type OtlpReceiver, startReceiver } from './support/otlp-receiver.mjs';

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
  const path = (s: (typeof spans)[number]) => String(s.attributes['url.path'] ?? s.attributes['http.target'] ?? '');
  const server = spans.find((s) => s.kind === 'SERVER' && path(s) === '/orders/7');
  expect(server, JSON.stringify(spans.map((s) => [s.name, s.attributes]))).toBeDefined();
  expect(server!.resource['service.name']).toBe('esm-code-config');
  const express = spans.filter((s) => s.name.startsWith('request handler') && s.traceId === server!.traceId);
  // (express 5 layers are reported by the router/express instrumentations as 'request handler - <route>')
  expect(express.length).toBeGreaterThan(0);
  const client = spans.find((s) => s.kind === 'CLIENT' && s.traceId === server!.traceId);
  expect(client?.parentSpanId).not.toBe('');
  const inventory = spans.find((s) => s.kind === 'SERVER' && path(s) === '/inventory/7');
  expect(inventory?.traceId).toBe(server!.traceId);
  expect(inventory?.parentSpanId).toBe(client!.spanId);
});
