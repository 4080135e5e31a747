// OTLP/gRPC throttling (OTLP spec, "Failures" and "OTLP/gRPC Throttling") in a real child process
// against the real receiver (grpc-js), which answers RESOURCE_EXHAUSTED with or without a
// google.rpc.RetryInfo in the `grpc-status-details-bin` trailer. Before: the RetryInfo was never
// read (the retry came after the usual backoff, up to 200 ms, not the 300 ms asked for), and
// RESOURCE_EXHAUSTED without one was retried for the whole export timeout, its loss line saying
// "out of resources or throttling".
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Child, spawnNode } from '../support/child.js';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';

let rx: OtlpReceiver;
const children: Child[] = [];
beforeAll(async () => {
  rx = await startReceiver({ port: 0 });
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
