// OTLP/gRPC throttling (OTLP spec, "Failures" and "OTLP/gRPC Throttling") in a real child process
// against the real receiver (grpc-js), which answers RESOURCE_EXHAUSTED with or without a
// google.rpc.RetryInfo in the `grpc-status-details-bin` trailer. Before: the RetryInfo was never
// read (the retry came after the usual backoff, up to 200 ms, not the 300 ms asked for), and
// RESOURCE_EXHAUSTED without one was retried for the whole export timeout, its loss line saying
// "out of resources or throttling".
import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isRetryableExportError } from '../../src/export/export-errors.js';
import { TRACE_EXPORT_PATH } from '../../src/export/otlp/grpc-options.js';
import { GrpcTransport } from '../../src/export/otlp/grpc-transport.js';
import { MAX_STATUS_DETAILS_BYTES } from '../../src/export/otlp/retry-info.js';
import { type Child, spawnNode } from '../support/child.js';
import { retryInfoStatus } from '../support/grpc-status-details.mjs';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';

let rx: OtlpReceiver;
const children: Child[] = [];
beforeAll(async () => {
  rx = await startReceiver({ port: 0, http: true });
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.proc.kill('SIGKILL');
    await child.exited;
  }
  rx.setMode('ok');
  rx.clear();
});
afterAll(() => rx.stop());

interface Stats {
  exported: number;
  failed: number;
  retries: number;
}

function lastStats(child: Child): Stats {
  const lines = child.output().match(/^STATS .*$/gm) ?? [];
  return JSON.parse(lines[lines.length - 1]!.slice(6)) as Stats;
}

/** Our own log lines (warnings and errors) the child printed. */
const ownLines = (child: Child) =>
  child
    .output()
    .split('\n')
    .filter((l) => l.startsWith('[@acme/otel]'));

async function run(env: Record<string, string> = {}) {
  const child = spawnNode(['test/fixtures/throttled-export-app.cjs'], {
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
    SPANS: '5',
    ...env,
  });
  children.push(child);
  await child.waitForOutput('ready');
  return child;
}

describe('OTLP/gRPC RESOURCE_EXHAUSTED and RetryInfo', () => {
  it('with a RetryInfo of 300 ms: the retry comes after it, the spans arrive, no loss is reported', async () => {
    rx.setMode({ grpcStatus: { code: 8, message: 'test: rate limited', retryDelayMs: 300, times: 1 } });
    const child = await run();
    const spans = await rx.waitForSpans(5, { timeoutMs: 10_000 });
    expect(spans.map((s) => s.name).sort()).toEqual(['job-0', 'job-1', 'job-2', 'job-3', 'job-4']);
    const [first, second] = rx.requestTimes();
    expect(rx.requestCount).toBe(2);
    // A lower bound only (the host may be slow); the backoff alone would have been ≤ 200 ms.
    expect(second! - first!).toBeGreaterThanOrEqual(295);
    await child.waitForOutput(/STATS \{"exported":5/);
    expect(lastStats(child)).toMatchObject({ exported: 5, failed: 0, retries: 1 });
    expect(ownLines(child)).toEqual([]);
  });

  it('without a RetryInfo: not retried, as the spec says, and the loss line says why', async () => {
    rx.setMode({ grpcStatus: { code: 8, message: 'test: data refused due to high memory usage', times: 1 } });
    const child = await run();
    await child.waitForOutput(/\[@acme\/otel\].*5 spans/, 10_000);
    expect(rx.requestCount).toBe(1);
    expect(rx.spans()).toEqual([]);
    expect(lastStats(child)).toMatchObject({ exported: 0, failed: 5, retries: 0 });
    const lines = ownLines(child);
    expect(lines.join('\n')).toMatch(
      /RESOURCE_EXHAUSTED \(8\): test: data refused due to high memory usage \(the collector is out of resources; without a RetryInfo in its answer the OTLP spec says not to retry\)/,
    );
    expect(lines.join('\n')).not.toMatch(/too large|throttl|retrying/);
  });

  it('a RetryInfo longer than the export timeout: no retry, and the loss names the wait', async () => {
    rx.setMode({ grpcStatus: { code: 8, message: 'test: come back later', retryDelayMs: 30_000 } });
    const child = await run({ OTEL_BSP_EXPORT_TIMEOUT: '2000' });
    await child.waitForOutput(/\[@acme\/otel\].*5 spans/, 10_000);
    expect(rx.requestCount).toBe(1);
    expect(lastStats(child)).toMatchObject({ exported: 0, failed: 5, retries: 0 });
    expect(ownLines(child).join('\n')).toMatch(
      /RESOURCE_EXHAUSTED \(8\): test: come back later \(throttled by the collector: its RetryInfo asked to retry after 30 s, beyond the export timeout \([\d.]+ s left of 2 s\)\)/,
    );
  });
});

describe('OTLP/HTTP 429 with Retry-After, through the same retry path', () => {
  it('the retry comes after the Retry-After (1 s), and the spans arrive', async () => {
    rx.setMode({ grpcStatus: { code: 8, message: 'test: rate limited', retryDelayMs: 1_000, times: 1 } });
    const child = await run({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: rx.httpEndpoint!,
    });
    await rx.waitForSpans(5, { timeoutMs: 10_000 });
    const [first, second] = rx.requestTimes();
    expect(second! - first!).toBeGreaterThanOrEqual(995);
    await child.waitForOutput(/STATS \{"exported":5/);
    expect(lastStats(child)).toMatchObject({ exported: 5, failed: 0, retries: 1 });
    expect(ownLines(child)).toEqual([]);
  });
});

// What a hostile or broken server can put in the trailer: the call fails with its status as ever,
// and the trailer counts only when it is a RetryInfo of bounded size.
describe('the node:http2 transport reads grpc-status-details-bin defensively', () => {
  const servers: http2.Http2Server[] = [];
  afterAll(async () => {
    for (const s of servers) await new Promise((r) => s.close(r));
  });

  async function answering(details: string) {
    const server = http2.createServer();
    server.on('stream', (stream) => {
      stream.on('data', () => {});
      stream.respond(
        {
          ':status': 200,
          'content-type': 'application/grpc',
          'grpc-status': '8',
          'grpc-message': 'test',
          'grpc-status-details-bin': details,
        },
        { endStream: true },
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    servers.push(server);
    const t = new GrpcTransport({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      path: TRACE_EXPORT_PATH,
      metadata: {},
      compression: 'none',
      userAgent: 'test',
    });
    const response = await t.send(new Uint8Array(0), 2_000);
    t.shutdown();
    if (response.status !== 'failure') throw new Error(`expected a failure, got ${response.status}`);
    return response.error as Error & { code?: number; retryAfterMillis?: number };
  }

  it('a valid RetryInfo (trailers-only answer): retryable, with its delay', async () => {
    const error = await answering(retryInfoStatus(8, 'test', 1_250).toString('base64'));
    expect(error.code).toBe(8);
    expect(error.retryAfterMillis).toBe(1_250);
    expect(isRetryableExportError(error)).toBe(true);
  });

  it.each([
    ['garbage', 'bm90IGEgc3RhdHVz'],
    ['not base64', '%%% not base64 %%%'],
    ['oversized', retryInfoStatus(8, 'x'.repeat(MAX_STATUS_DETAILS_BYTES), 100).toString('base64')],
  ])('%s: the status stands, without a delay, not retried', async (_name, details) => {
    const error = await answering(details);
    expect(error.code).toBe(8);
    expect(error.retryAfterMillis).toBeUndefined();
    expect(isRetryableExportError(error)).toBe(false);
  });
});
