// Which proxy variable applies to an endpoint (as grpc-js decides), and, with one set, OTLP/gRPC
// goes through grpc-js, which tunnels through the proxy
// (our node:http2 transport has no proxy support). A real HTTP CONNECT proxy on loopback sees the
// tunnel, and the spans reach the receiver behind it.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveGrpcProxyVariable } from '../../../src/config/export.js';
import { initTracing } from '../../../src/sdk/init.js';
import { type OtlpReceiver, startReceiver } from '../../support/otlp-receiver.mjs';
import { captureLogLines, resetTracing } from '../../support/reset.js';

let rx: OtlpReceiver;
let proxy: http.Server;
const tunnels: string[] = [];
const saved = { grpc_proxy: process.env.grpc_proxy, no_grpc_proxy: process.env.no_grpc_proxy };

beforeAll(async () => {
  rx = await startReceiver({ port: 0 });
  proxy = http.createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client: net.Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
});
afterAll(async () => {
  await rx.stop();
  proxy.closeAllConnections();
  await new Promise((r) => proxy.close(r));
});
afterEach(async () => {
  await resetTracing();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

it('exports through the HTTP CONNECT proxy named by grpc_proxy', async () => {
  // grpc-js reads the proxy variables from process.env itself, so the test sets them there.
  process.env.grpc_proxy = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  delete process.env.no_grpc_proxy;
  const env = {
    ...process.env,
    OTEL_NODE_RESOURCE_DETECTORS: 'none',
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
  };
  const tracing = initTracing({ serviceName: 'proxied', handleSignals: false, instrumentations: false }, env);
  tracing.tracer.startSpan('through-the-proxy').end();
  await tracing.forceFlush();
  expect((await rx.waitForSpans(1)).map((s) => s.name)).toEqual(['through-the-proxy']);
  expect(tunnels).toEqual([`127.0.0.1:${rx.port}`]);
});

// grpc-js throws on a metadata value it cannot send, quoting it: every export failed with
// `Metadata string value "<the header's secret>" contains illegal characters`, which our loss
// report printed. The header is now dropped with a line naming it, as our own transport does.
it('drops an OTLP header grpc-js cannot send, without printing its value', async () => {
  process.env.grpc_proxy = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  delete process.env.no_grpc_proxy;
  const lines = captureLogLines();
  rx.clear();
  const env = {
    ...process.env,
    OTEL_NODE_RESOURCE_DETECTORS: 'none',
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
    OTEL_EXPORTER_OTLP_HEADERS: 'x-team=hcS3cretK%0Aey,x-tenant=acme',
  };
  const tracing = initTracing({ serviceName: 'proxied', handleSignals: false, instrumentations: false }, env);
  tracing.tracer.startSpan('bad-header').end();
  await tracing.forceFlush();
  expect((await rx.waitForSpans(1)).map((s) => s.name)).toContain('bad-header');
  expect(rx.metadata()[0]).toMatchObject({ 'x-tenant': 'acme' });
  expect(lines.join('\n')).not.toContain('hcS3cretK');
  expect(lines).toContainEqual(
    expect.stringContaining('OTLP header "x-team" was given, but it is not a valid header'),
  );
});

describe('gRPC proxy variables (grpc-js is used when one applies)', () => {
  it.each([
    [{}, undefined],
    [{ https_proxy: 'http://proxy:3128' }, 'https_proxy'],
    [{ http_proxy: 'http://proxy:3128', grpc_proxy: 'http://g:1' }, 'grpc_proxy'],
    [{ HTTPS_PROXY: 'http://proxy:3128' }, undefined],
    [{ https_proxy: 'http://proxy:3128', no_proxy: 'example.com,collector.internal' }, undefined],
    [{ https_proxy: 'http://proxy:3128', no_proxy: 'other.internal' }, 'https_proxy'],
    [{ https_proxy: 'http://proxy:3128', no_proxy: 'x', no_grpc_proxy: '.internal' }, undefined],
  ])('%j for collector.internal → %s', (env, expected) => {
    expect(resolveGrpcProxyVariable(env, 'http://collector.internal:4317')).toBe(expected);
  });

  it('matches an IPv4 endpoint against a CIDR in no_proxy', () => {
    const env = { http_proxy: 'http://proxy:3128', no_proxy: '10.0.0.0/8' };
    expect(resolveGrpcProxyVariable(env, 'http://10.1.2.3:4317')).toBeUndefined();
    expect(resolveGrpcProxyVariable(env, 'http://11.1.2.3:4317')).toBe('http_proxy');
  });
});
