// A collector that refuses a request as too large and states its limit (the OpenTelemetry
// Collector, grpc-go: "grpc: received message larger than max (N vs. M)"; grpc-js: "… (N vs M)"):
// the request is cut into parts that fit M, and every later request is cut to M before it is
// sent. Before, each batch of 100 spans of 2 KB (~215 KB) against a 64 KiB limit was sent whole,
// refused, and halved, then its halves refused and halved again: 3 refused requests per batch,
// for every batch, forever. Real child processes (test/fixtures/stated-limit-app.cjs) against the
// real receiver.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnNode } from '../support/child.js';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';

const LIMIT = 64 * 1024;
const app = 'test/fixtures/stated-limit-app.cjs';

let rx: OtlpReceiver | undefined;
afterEach(async () => {
  await rx?.stop();
  rx = undefined;
});

async function run(words: 'grpc-go' | 'grpc-js' | 'http', rounds: number) {
  const http = words === 'http';
  rx = await startReceiver({
    maxReceiveMessageBytes: LIMIT,
    ...(http ? { http: true } : { tooLargeWords: words }),
  });
  const child = spawnNode([app], {
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
    ...(http
      ? { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: rx.httpEndpoint! }
      : {}),
    OTEL_BSP_SCHEDULE_DELAY: '600000',
    ROUNDS: String(rounds),
  });
  await child.waitForOutput(/stats \{.*\}/, 20_000);
  const { code } = await child.exited;
  const stats = JSON.parse(/stats (\{.*\})/.exec(child.output())![1]!) as Record<string, number>;
  // Every line of ours but the start-up summary.
  const warnings = child
    .output()
    .split('\n')
    .filter((line) => line.startsWith('[@acme/otel]') && !line.startsWith('[@acme/otel] tracing '));
  return { code, stats, warnings, receiver: rx };
}

const WARNING =
  /^\[@acme\/otel\] the collector at http:\/\/127\.0\.0\.1:\d+ refused an export request as too large, stating a limit of 65,536 bytes, below maxExportRequestBytes \(4,128,768\): export requests are cut to 65,536 bytes from now on \(.*\)$/;

describe('the limit a collector states when it refuses a request as too large', () => {
  it('the Collector (grpc-go): one refused request in all, every span delivered, every part within the limit', async () => {
    const { code, stats, warnings, receiver } = await run('grpc-go', 5);
    expect(code).toBe(0);
    expect(receiver.tooLargeCount).toBe(1);
    const spans = receiver.spans();
    expect(new Set(spans.map((s) => s.name)).size).toBe(500);
    // Requests as few as the limit allows: ~1,080 KB in parts of at most 64 KiB.
    const bodies = receiver.rawBytes().length;
    expect(receiver.requestCount).toBeLessThanOrEqual(Math.ceil(bodies / (LIMIT * 0.85)) + 5);
    expect(stats).toMatchObject({ exported: 500, failed: 0, dropped: 0 });
    expect(warnings).toEqual([expect.stringMatching(WARNING)]);
  });

  it('grpc-js words it its own way ("vs" without the dot): read the same', async () => {
    const { code, stats, warnings, receiver } = await run('grpc-js', 2);
    expect(code).toBe(0);
    expect(new Set(receiver.spans().map((s) => s.name)).size).toBe(200);
    // grpc-js refuses before the receiver sees the request: only the accepted ones are counted.
    const bodies = receiver.rawBytes().length;
    expect(receiver.requestCount).toBeLessThanOrEqual(Math.ceil(bodies / (LIMIT * 0.85)) + 2);
    expect(stats).toMatchObject({ exported: 200, failed: 0 });
    expect(warnings).toEqual([expect.stringMatching(WARNING)]);
  });

  // OTLP/HTTP 413 states no number. Before, every batch (~215 KB) was refused whole and halved, its
  // halves (~107 KB) refused and halved again: 5 batches, 15 refused requests (3 per batch, forever).
  // The largest part of the refused request that was accepted is kept as the limit: the first
  // batch's 3 refusals, none after.
  it('OTLP/HTTP 413, stating no limit: the largest part accepted is kept; no refusal after the first batch', async () => {
    const { code, stats, warnings, receiver } = await run('http', 5);
    expect(code).toBe(0);
    expect(receiver.tooLargeCount).toBe(3);
    expect(new Set(receiver.spans().map((s) => s.name)).size).toBe(500);
    expect(stats).toMatchObject({ exported: 500, failed: 0, dropped: 0 });
    expect(warnings).toEqual([
      expect.stringMatching(
        /^\[@acme\/otel\] the collector at http:\/\/127\.0\.0\.1:\d+\/v1\/traces refused an export request of 2\d\d,\d{3} bytes as too large, stating no limit; its parts of up to (\d\d,\d{3}) bytes were accepted, below maxExportRequestBytes \(4,128,768\): export requests are cut to \1 bytes from now on \(.*\)$/,
      ),
    ]);
    const kept = Number(/cut to ([\d,]+) bytes/.exec(warnings[0]!)![1]!.replaceAll(',', ''));
    expect(kept).toBeLessThanOrEqual(LIMIT);
    // Requests as few as the kept limit allows.
    expect(receiver.requestCount).toBeLessThanOrEqual(
      Math.ceil(receiver.rawBytes().length / (kept * 0.85)) + 5,
    );
  });
});
