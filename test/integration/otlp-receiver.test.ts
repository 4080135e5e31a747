import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';

const CLI = fileURLToPath(new URL('../support/receiver-cli.mjs', import.meta.url));
const resource = resourceFromAttributes({
  'service.name': 'receiver-test',
  'deployment.environment': 'test',
});

let rx: OtlpReceiver;
const cleanups: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  rx = await startReceiver({ host: '127.0.0.1', port: 0, http: true });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await rx.stop();
});

function provider(exporter: SpanExporter) {
  const p = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  cleanups.push(() => p.shutdown());
  return p;
}

function grpcExporter(timeoutMillis = 2000) {
  const exporter = new GrpcExporter({ url: rx.endpoint, timeoutMillis });
  cleanups.push(() => exporter.shutdown());
  return exporter;
}

/** Finished spans made in memory, so a test can export them itself and see the ExportResult. */
function makeSpans(name = 'op'): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const p = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(memory)] });
  p.getTracer('test').startSpan(name).end();
  return memory.getFinishedSpans();
}

function exportSpans(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

const grpcCode = (result: ExportResult) => (result.error as { code?: number } | undefined)?.code;

describe('otlp-receiver over gRPC', () => {
  it('decodes spans exported by the upstream OTLPTraceExporter', async () => {
    const tracer = provider(grpcExporter()).getTracer('checkout', '1.2.3');
    const root = tracer.startSpan('GET /orders', {
      kind: SpanKind.SERVER,
      attributes: { 'http.method': 'GET', 'http.status_code': 200, ratio: 0.5, ok: true, tags: ['a', 'b'] },
    });
    const child = tracer.startSpan('db.query', { kind: SpanKind.CLIENT }, trace.setSpan(ROOT_CONTEXT, root));
    child.addEvent('retry', { attempt: 2 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout' });
    child.end();
    root.setStatus({ code: SpanStatusCode.OK });
    root.end();

    const [dbSpan, httpSpan] = await rx.waitForSpans(2);
    expect(httpSpan).toMatchObject({
      traceId: root.spanContext().traceId,
      spanId: root.spanContext().spanId,
      parentSpanId: '',
      name: 'GET /orders',
      kind: 'SERVER',
      attributes: { 'http.method': 'GET', 'http.status_code': 200, ratio: 0.5, ok: true, tags: ['a', 'b'] },
      status: { code: 'OK', message: '' },
      resource: { 'service.name': 'receiver-test', 'deployment.environment': 'test' },
      scope: { name: 'checkout', version: '1.2.3' },
    });
    expect(dbSpan).toMatchObject({
      name: 'db.query',
      kind: 'CLIENT',
      parentSpanId: root.spanContext().spanId,
      status: { code: 'ERROR', message: 'timeout' },
      events: [{ name: 'retry', attributes: { attempt: 2 } }],
    });
    expect(dbSpan!.flags & 0xff).toBe(1);
    expect(typeof dbSpan!.startTimeUnixNano).toBe('bigint');
    expect(httpSpan!.endTimeUnixNano).toBeGreaterThanOrEqual(httpSpan!.startTimeUnixNano);
    expect(httpSpan!.durationMs).toBeGreaterThanOrEqual(0);
    expect([...rx.traces().keys()]).toEqual([root.spanContext().traceId]);
    expect(rx.requestCount).toBe(2);
    expect(String(rx.metadata()[0]?.['user-agent'])).toContain('OTel-OTLP-Exporter-JavaScript');
    expect(rx.rawBytes().includes('GET /orders')).toBe(true);
  });

  it('waitForSpans with a predicate resolves the matching spans', async () => {
    const tracer = provider(grpcExporter()).getTracer('t');
    tracer.startSpan('a').end();
    tracer.startSpan('b').end();
    const found = await rx.waitForSpans((s) => s.name === 'b');
    expect(found.map((s) => s.name)).toEqual(['b']);
  });

  it('waitForSpans rejects listing what did arrive', async () => {
    await exportSpans(grpcExporter(), makeSpans('only-one'));
    await expect(rx.waitForSpans(3, { timeoutMs: 100 })).rejects.toThrow(
      /timed out after 100ms waiting for 3 span\(s\); 1 export request\(s\), 1 span\(s\) received:\n {2}only-one \[INTERNAL\]/,
    );
  });

  it("mode 'unavailable' fails the export with UNAVAILABLE and records no spans", async () => {
    rx.setMode('unavailable');
    const result = await exportSpans(grpcExporter(), makeSpans());
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(grpcCode(result)).toBe(14);
    expect(rx.requestCount).toBe(1);
    expect(rx.spans()).toEqual([]);
  });

  it("mode 'deadline' fails the export with DEADLINE_EXCEEDED", async () => {
    rx.setMode('deadline');
    const result = await exportSpans(grpcExporter(), makeSpans());
    expect(grpcCode(result)).toBe(4);
  });

  it('mode { delayMs } answers late, and past the exporter timeout the client gives up', async () => {
    rx.setMode({ delayMs: 300 });
    const started = Date.now();
    const slow = await exportSpans(grpcExporter(2000), makeSpans('late'));
    expect(slow.code).toBe(ExportResultCode.SUCCESS);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(rx.spans().map((s) => s.name)).toEqual(['late']);

    const timedOut = await exportSpans(grpcExporter(100), makeSpans());
    expect(grpcCode(timedOut)).toBe(4);
  });

  it("mode 'hang' never answers; stop() force-closes the call; restart() listens on the same port", async () => {
    const exporter = grpcExporter(5000);
    const { port, httpEndpoint } = rx;
    rx.setMode('hang');
    const started = Date.now();
    const pending = exportSpans(exporter, makeSpans('hung'));
    await expect.poll(() => rx.requestCount).toBe(1);
    await rx.stop();
    const result = await pending;
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(Date.now() - started).toBeLessThan(4000);

    await rx.restart();
    expect(rx.port).toBe(port);
    expect(rx.httpEndpoint).toBe(httpEndpoint);
    rx.setMode('ok');
    const after = await exportSpans(exporter, makeSpans('after-restart'));
    expect(after.code).toBe(ExportResultCode.SUCCESS);
    expect(rx.spans().map((s) => s.name)).toEqual(['after-restart']);
  });

  it('mode { hangAfter } answers that many requests, then hangs like mode hang', async () => {
    rx.setMode({ hangAfter: 1 });
    const first = await exportSpans(grpcExporter(), makeSpans('first'));
    expect(first.code).toBe(ExportResultCode.SUCCESS);
    const second = await exportSpans(grpcExporter(300), makeSpans('second'));
    expect(grpcCode(second)).toBe(4);
    expect(rx.requestCount).toBe(2);
    expect(rx.spans().map((s) => s.name)).toEqual(['first']);
    expect(() => rx.setMode({ hangAfter: -1 })).toThrow(TypeError);
  });

  it('clear() forgets everything; setMode() rejects unknown modes', async () => {
    await exportSpans(grpcExporter(), makeSpans());
    rx.clear();
    expect([rx.spans(), rx.requestCount, rx.metadata(), rx.rawBytes().length]).toEqual([[], 0, [], 0]);
    expect(() => rx.setMode('flaky' as never)).toThrow(TypeError);
  });
});

describe('otlp-receiver over HTTP', () => {
  it('decodes spans from the upstream OTLP/HTTP protobuf exporter', async () => {
    const exporter = new ProtoExporter({ url: rx.httpEndpoint!, headers: { 'x-tenant': 'acme' } });
    const tracer = provider(exporter).getTracer('http-scope');
    const root = tracer.startSpan('publish', { kind: SpanKind.PRODUCER, attributes: { count: 3 } });
    tracer.startSpan('encode', {}, trace.setSpan(ROOT_CONTEXT, root)).end();
    root.end();

    const [encode, publish] = await rx.waitForSpans(2);
    expect(publish).toMatchObject({ name: 'publish', kind: 'PRODUCER', attributes: { count: 3 } });
    expect(encode!.parentSpanId).toBe(publish!.spanId);
    expect(rx.metadata()[0]).toMatchObject({ 'content-type': 'application/x-protobuf', 'x-tenant': 'acme' });
  });

  it('accepts OTLP/JSON', async () => {
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'json-svc' } }] },
          scopeSpans: [
            {
              scope: { name: 'json' },
              spans: [
                {
                  traceId: '5B8EFFF798038103D269B633813FC60C',
                  spanId: 'EEE19B7EC3C1B174',
                  name: 'json-span',
                  kind: 2,
                  startTimeUnixNano: '1000000000',
                  endTimeUnixNano: '1002000000',
                  attributes: [{ key: 'n', value: { intValue: '7' } }],
                  status: { code: 2, message: 'bad' },
                },
              ],
            },
          ],
        },
      ],
    };
    const res = await fetch(rx.httpEndpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    expect(rx.spans()[0]).toMatchObject({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      kind: 'SERVER',
      durationMs: 2,
      attributes: { n: 7 },
      status: { code: 'ERROR', message: 'bad' },
      resource: { 'service.name': 'json-svc' },
    });
  });

  it("mode 'unavailable' answers 503 and the export fails", async () => {
    rx.setMode('unavailable');
    const exporter = new ProtoExporter({ url: rx.httpEndpoint!, timeoutMillis: 300 });
    cleanups.push(() => exporter.shutdown());
    const result = await exportSpans(exporter, makeSpans());
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(rx.requestCount).toBeGreaterThanOrEqual(1);
    expect(rx.spans()).toEqual([]);
  });
});

describe('receiver-cli.mjs', () => {
  it('prints its endpoint, then a line per span, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, '--port', '0', '--http', '0', '--print'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const next = async () => JSON.parse(String((await lines.next()).value));

    const ready = await next();
    expect(ready.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.httpEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/);

    const exporter = new GrpcExporter({ url: ready.endpoint });
    cleanups.push(() => exporter.shutdown());
    expect((await exportSpans(exporter, makeSpans('from-cli'))).code).toBe(ExportResultCode.SUCCESS);
    expect((await next()).span).toMatchObject({ name: 'from-cli', kind: 'INTERNAL' });

    child.kill('SIGTERM');
    expect(await next()).toEqual({ stopped: true, requests: 1, spans: 1 });
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  // The benchmark's receiver: counts spans from the protobuf framing without decoding them.
  it.each([
    ['OTLP/gRPC', [] as string[]],
    ['OTLP/HTTP protobuf (--http)', ['--http', '0']],
  ])('--count-only counts spans without decoding them and answers IPC stats: %s', async (_name, extra) => {
    const child = spawn(process.execPath, [CLI, '--port', '0', '--count-only', ...extra], {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const next = async () => JSON.parse(String((await lines.next()).value));
    const ready = await next();
    const exporter =
      extra.length > 0
        ? new ProtoExporter({ url: ready.httpEndpoint })
        : new GrpcExporter({ url: ready.endpoint });
    cleanups.push(() => exporter.shutdown());
    const spans = [...makeSpans('a'), ...makeSpans('b'), ...makeSpans('c')];
    expect((await exportSpans(exporter, spans)).code).toBe(ExportResultCode.SUCCESS);
    child.send('stats');
    const [stats] = await once(child, 'message');
    expect(stats).toMatchObject({ type: 'stats', requests: 1, spans: spans.length });
    expect((stats as { bytes: number }).bytes).toBeGreaterThan(0);
    child.kill('SIGTERM');
    expect(await next()).toEqual({ stopped: true, requests: 1, spans: spans.length });
  });
});
