// A collector restarting mid-run, over both transports, in a real child process on our own export
// path (outage.test.ts drives upstream's gRPC exporter through our retrying exporter): every span
// ended before SIGTERM reaches the receiver, none is counted lost, and no loss line is printed.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnNode } from '../../support/child.js';
import { type OtlpReceiver, startReceiver } from '../../support/otlp-receiver.mjs';

const receivers: OtlpReceiver[] = [];
afterAll(async () => {
  for (const rx of receivers) await rx.stop();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Stats {
  exported: number;
  dropped: number;
  failed: number;
  rejected: number;
  retries: number;
}

describe('a collector restarting mid-run', () => {
  it.each(['grpc', 'http/protobuf'] as const)(
    'loses nothing across a 1.5 s restart, counts the retries, says no loss (%s)',
    async (protocol) => {
      const rx = await startReceiver({ port: 0, http: true });
      receivers.push(rx);
      const child = spawnNode(['test/fixtures/export-loss-app.cjs'], {
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_EXPORTER_OTLP_ENDPOINT:
          protocol === 'grpc' ? rx.endpoint : (rx.httpEndpoint as string).replace('/v1/traces', ''),
        SPANS_PER_TICK: '2',
        QUEUE: '4096',
        BATCH: '20',
      });
      await child.waitForOutput('ready');
      await sleep(700);
      await rx.stop(); // closes the connections, the requests in flight on them too
      await sleep(1_500);
      await rx.restart();
      await sleep(1_500);
      child.proc.kill('SIGTERM');
      expect((await child.exited).code).toBe(143);
      const output = child.output();
      const statsLines = output.match(/^STATS .*$/gm) ?? [];
      const stats = JSON.parse(statsLines[statsLines.length - 1]!.slice(6)) as Stats;
      expect(stats.retries, output).toBeGreaterThan(0);
      expect(stats).toMatchObject({ dropped: 0, failed: 0, rejected: 0 });
      // The last STATS line comes before the flush at SIGTERM: the receiver has at least as many.
      const received = new Set(rx.spans().map((s) => s.spanId));
      expect(received.size).toBeGreaterThanOrEqual(stats.exported);
      expect(received.size).toBeGreaterThan(300); // ~200 spans/s for 3.7 s
      const ours = output.split('\n').filter((line) => line.startsWith('[@acme/otel]'));
      expect(ours.filter((line) => /lost|failed to export|dropped|rejected|summary/.test(line))).toEqual([]);
    },
    15_000,
  );
});
