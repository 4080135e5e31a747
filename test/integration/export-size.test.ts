// Issue 20, item 2, in real child processes against a real OTLP/gRPC receiver with the Collector's
// default 4 MiB limit: five 1 MB spans and one 5 MB span among 1,000 normal ones. Before, the
// first request over the limit got RESOURCE_EXHAUSTED and was retried for the whole 30 s export
// timeout, then lost with every normal span batched with it.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnNode } from '../support/child.js';
import { type OtlpReceiver, type ReceivedSpan, startReceiver } from '../support/otlp-receiver.mjs';

const COLLECTOR_LIMIT = 4 * 1024 * 1024;
const app = 'test/fixtures/large-spans-app.mjs';
const NORMAL = 1000;

let rx: OtlpReceiver | undefined;
afterEach(async () => {
  await rx?.stop();
  rx = undefined;
});

interface Stats {
  exported: number;
  dropped: number;
  failed: number;
  retries: number;
  truncated: number;
}

async function run(env: Record<string, string>, http = false) {
  rx = await startReceiver({ maxReceiveMessageBytes: COLLECTOR_LIMIT, http });
  const endpoint = http ? { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: rx.httpEndpoint! } : {};
  const child = spawnNode([app], {
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
    ...(http ? { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' } : {}),
    ...endpoint,
    // Let the SDK keep the 1 MB and 5 MB values whole: this is about request size.
    OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: String(8 * 1024 * 1024),
    OTEL_BSP_SCHEDULE_DELAY: '100',
    ...env,
  });
  // Bounded well below the 30 s export timeout that a retried oversized request used to take.
  await child.waitForOutput(/stats \{.*\}/, 20_000);
  const { code } = await child.exited;
  const stats = JSON.parse(/stats (\{.*\})/.exec(child.output())![1]!) as Stats;
  const spans = rx.spans();
  const byName = (prefix: string) => spans.filter((s) => s.name.startsWith(prefix));
  return { code, output: child.output(), stats, spans, byName };
}

function expectNormalTrafficWhole(spans: ReceivedSpan[]) {
  expect(spans).toHaveLength(NORMAL);
  expect(new Set(spans.map((s) => s.name)).size).toBe(NORMAL);
}

describe('export requests never exceed the maximum size', () => {
  it('splits batches by size and truncates a span too large alone: no normal span lost, no retry', async () => {
    const { code, output, stats, byName } = await run({});
    expect(code).toBe(0);
    expectNormalTrafficWhole(byName('normal-'));
    const large = byName('large-');
    expect(large).toHaveLength(5);
    for (const s of large) expect(s.attributes.payload).toHaveLength(1024 * 1024);
    const [giant, ...more] = byName('giant');
    expect(more).toEqual([]);
    const payload = giant!.attributes.payload as string;
    expect(payload.length).toBeLessThan(COLLECTOR_LIMIT);
    expect(payload.length).toBeGreaterThan(3 * 1024 * 1024);
    expect(payload).toMatch(/^G+…\[truncated, 5242880 bytes\]$/);
    expect(giant!.attributes.kept).toBe('small');
    expect(giant!.attributes['acme.otel.truncated']).toEqual(['payload']);
    expect(stats).toMatchObject({ exported: NORMAL + 6, dropped: 0, failed: 0, retries: 0, truncated: 1 });
    expect(output).toMatch(
      /\[@acme\/otel\] span "giant" \(trace [0-9a-f]{32}, span [0-9a-f]{16}\) was 5,24\d,\d{3} bytes encoded, more than the 4,0\d\d,\d{3} bytes a span may take in an export request \(maxExportRequestBytes\): sent with 1 value\(s\) truncated \(payload\)/,
    );
  });

  it('a collector with a lower limit than ours: halves are sent, the span too large alone is dropped and counted', async () => {
    const { code, output, stats, byName } = await run({
      ACME_OTEL_MAX_EXPORT_REQUEST_BYTES: String(64 * 1024 * 1024),
    });
    expect(code).toBe(0);
    expectNormalTrafficWhole(byName('normal-'));
    expect(byName('large-')).toHaveLength(5);
    expect(byName('giant')).toEqual([]);
    // Never retried unchanged: a too-large answer is not a retry.
    expect(stats).toMatchObject({ exported: NORMAL + 5, dropped: 0, failed: 1, retries: 0, truncated: 0 });
    expect(output).toMatch(
      /\[@acme\/otel\] failed to export 1 span to http:\/\/127\.0\.0\.1:\d+: .*span "giant" \(trace [0-9a-f]{32}, span [0-9a-f]{16}\) too large for the collector: .*larger than max/,
    );
  });

  it('the same over OTLP/HTTP, where the collector answers 413', async () => {
    const { code, output, stats, byName } = await run(
      { ACME_OTEL_MAX_EXPORT_REQUEST_BYTES: String(64 * 1024 * 1024) },
      true,
    );
    expect(code).toBe(0);
    expectNormalTrafficWhole(byName('normal-'));
    expect(byName('large-')).toHaveLength(5);
    expect(byName('giant')).toEqual([]);
    expect(stats).toMatchObject({ exported: NORMAL + 5, dropped: 0, failed: 1, retries: 0 });
    expect(rx!.tooLargeCount).toBeGreaterThan(0);
    expect(output).toMatch(/failed to export 1 span to .*span "giant" .* too large for the collector/);
  });

  it('a resource larger than a request: cut to fit, said once, and every span is sent', async () => {
    const { code, output, stats, spans, byName } = await run({ RESOURCE_BYTES: String(5 * 1024 * 1024) });
    expect(code).toBe(0);
    expectNormalTrafficWhole(byName('normal-'));
    expect(byName('giant')).toHaveLength(1);
    expect(stats).toMatchObject({ exported: NORMAL + 6, dropped: 0, failed: 0, retries: 0 });
    for (const s of spans) {
      const blob = s.resource.blob as string;
      expect(blob).toMatch(/^R+…\[truncated, 5242880 bytes\]$/);
      expect(blob.length).toBeLessThan(64 * 1024);
      expect(s.resource['acme.otel.truncated']).toEqual(['blob']);
      expect(s.resource['service.name']).toBe('large-spans-app');
    }
    const lines = output.match(
      /\[@acme\/otel\] the resource's attributes take 5,24\d,\d{3} bytes encoded[^\n]*/g,
    );
    expect(lines).toHaveLength(1);
    expect(lines![0]).toContain('cut blob');
  });
});
