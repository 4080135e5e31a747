// At the exit path, a request the collector refuses as too large (gRPC RESOURCE_EXHAUSTED with a
// size message, HTTP 413) is split and its parts sent, down to single spans, as the exporter does;
// a span too large on its own is lost and named. Before, the exit sender lost the whole request:
// with one 256 KiB span among 100 small ones, pending at an uncaught exception, a collector with a
// 64 KiB limit got none of the 101 ("101 spans were lost at exit: export request too large for
// the collector …"). Real child processes (test/fixtures/exit-too-large-app.cjs) against a real
// receiver with a size limit; the batch delay is 10 minutes, so only the exit path sends.
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type OtlpReceiver, type ReceiverMode, startReceiver } from '../support/otlp-receiver.mjs';
import { countSpans } from '../support/otlp-span-count.mjs';
import { exitStatus, nodeStderr, type Run, runNode } from '../support/run-pair.js';

const app = 'test/fixtures/exit-too-large-app.cjs';
const PROTOCOLS = ['grpc', 'http/protobuf'] as const;
type Protocol = (typeof PROTOCOLS)[number];

let rx: OtlpReceiver | undefined;
afterEach(async () => {
  await rx?.stop();
  rx = undefined;
});

interface Scenario {
  protocol: Protocol;
  /** The receiver's largest request, bytes. */
  limit: number;
  small: number;
  smallBytes?: number;
  giantBytes?: number;
  timeoutMillis?: number;
  mode?: ReceiverMode;
  gzip?: boolean;
  /** The receiver refuses in the Collector's (grpc-go's) words, and counts the refusals. */
  grpcGo?: boolean;
  /** OTEL_BSP_MAX_EXPORT_BATCH_SIZE: the pending spans go as requests of that many. */
  batchSize?: number;
  /** Spans flushed through the normal export before the others are left pending at the crash. */
  flushFirst?: number;
}

async function crash(s: Scenario): Promise<{ untraced: Run; traced: Run; receiver: OtlpReceiver }> {
  const receiver = await startReceiver({
    http: true,
    maxReceiveMessageBytes: s.limit,
    ...(s.grpcGo ? { tooLargeWords: 'grpc-go' as const } : {}),
  });
  rx = receiver;
  if (s.mode) receiver.setMode(s.mode);
  const env = {
    OTEL_SERVICE_NAME: 'exit-too-large-app',
    OTEL_BSP_SCHEDULE_DELAY: '600000',
    // Values whole: the giant span must reach the collector at its full size.
    OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: String(1024 * 1024),
    ACME_OTEL_SHUTDOWN_TIMEOUT: String(s.timeoutMillis ?? 5000),
    ...(s.protocol === 'grpc'
      ? { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint }
      : {
          OTEL_EXPORTER_OTLP_PROTOCOL: s.protocol,
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.httpPort}`,
        }),
    ...(s.gzip ? { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' } : {}),
    ...(s.batchSize ? { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: String(s.batchSize) } : {}),
    ...(s.flushFirst ? { FLUSH_FIRST: String(s.flushFirst) } : {}),
    SMALL: String(s.small),
    SMALL_BYTES: String(s.smallBytes ?? 2048),
    GIANT_BYTES: String(s.giantBytes ?? 0),
  };
  const untraced = await runNode(app, false, { env });
  const traced = await runNode(app, true, { env });
  return { untraced, traced, receiver };
}

function lostLines(run: Run): string[] {
  return run.stderr.split('\n').filter((line) => line.includes('lost at exit'));
}

/** How the collector says "too large", per protocol. */
const ANSWER: Record<Protocol, string> = {
  grpc: String.raw`RESOURCE_EXHAUSTED \(8\): Received message larger than max \(\d+ vs \d+\)`,
  'http/protobuf': 'HTTP 413: Payload Too Large: otlp-receiver: request too large',
};
const AT = String.raw`at http:\/\/127\.0\.0\.1:\d+\S*`;

describe('a request the collector refuses as too large at exit is split, not lost', () => {
  for (const protocol of PROTOCOLS)
    it(`every span that fits arrives; the one too large alone is named lost (${protocol})`, async () => {
      const { untraced, traced, receiver } = await crash({
        protocol,
        limit: 64 * 1024,
        small: 100,
        giantBytes: 256 * 1024,
      });
      expect(exitStatus(untraced)).toBe(1);
      expect(exitStatus(traced)).toBe(1);
      expect(nodeStderr(traced.stderr)).toBe(nodeStderr(untraced.stderr));
      const spans = receiver.spans();
      const names = new Set(spans.map((s) => s.name));
      expect(new Set(spans.map((s) => s.spanId)).size).toBe(100);
      expect(names.size).toBe(100);
      expect(names.has('giant')).toBe(false);
      // The 101 went as one request of ~470 KB: its parts were split again (each half ~105 KB).
      expect(spans.every((s) => (s.attributes.payload as string).length === 2048)).toBe(true);
      const lost = lostLines(traced);
      expect(lost).toEqual([
        expect.stringMatching(
          new RegExp(
            String.raw`^\[@acme\/otel\] 1 span was lost at exit: span "giant" \(trace [0-9a-f]{32}, span [0-9a-f]{16}\) too large for the collector ${AT} \(${ANSWER[protocol]}\)$`,
          ),
        ),
      ]);
      if (protocol === 'http/protobuf') expect(receiver.tooLargeCount).toBeGreaterThan(1);
    });

  it('gzip over gRPC: a limit on the inflated size is "too large" too (grpc-js words it its own way)', async () => {
    // A repeated payload compresses ~100-fold: each request passes the limit only once inflated.
    const { traced, receiver } = await crash({
      protocol: 'grpc',
      limit: 64 * 1024,
      small: 100,
      giantBytes: 256 * 1024,
      gzip: true,
    });
    expect(exitStatus(traced)).toBe(1);
    expect(new Set(receiver.spans().map((s) => s.spanId)).size).toBe(100);
    expect(lostLines(traced)).toEqual([
      expect.stringMatching(
        /^\[@acme\/otel\] 1 span was lost at exit: span "giant" \(trace [0-9a-f]{32}, span [0-9a-f]{16}\) too large for the collector at \S+ \(RESOURCE_EXHAUSTED \(8\): Received message that decompresses to a size larger than 65536\)$/,
      ),
    ]);
  });

  it("a proxy's HTTP 413 in front of a gRPC collector: split the same", async () => {
    // A proxy (nginx's client_max_body_size) answers 413 with a web page: gRPC reports UNKNOWN (2).
    let spans = 0;
    const proxy = http2.createServer();
    proxy.on('stream', (stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const body = Buffer.concat(chunks);
        if (body.length > 64 * 1024) {
          stream.respond({ ':status': 413, 'content-type': 'text/html' });
          stream.end('<html>413 Request Entity Too Large</html>');
          return;
        }
        spans += countSpans(body.subarray(5)); // past the gRPC message prefix
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(Buffer.alloc(5)); // an empty ExportTraceServiceResponse
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const env = {
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: String(1024 * 1024),
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
        SMALL: '100',
        SMALL_BYTES: '2048',
        GIANT_BYTES: String(256 * 1024),
      };
      const traced = await runNode(app, true, { env });
      expect(exitStatus(traced)).toBe(1);
      expect(spans).toBe(100);
      expect(lostLines(traced)).toEqual([
        expect.stringMatching(
          /^\[@acme\/otel\] 1 span was lost at exit: span "giant" \(trace [0-9a-f]{32}, span [0-9a-f]{16}\) too large for the collector at \S+ \(UNKNOWN \(2\): Received HTTP status code 413\)$/,
        ),
      ]);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  for (const protocol of PROTOCOLS)
    it(`a collector that refuses even single spans: each is tried alone, all said lost too large, once (${protocol})`, async () => {
      const { traced, receiver } = await crash({ protocol, limit: 100, small: 20, timeoutMillis: 5000 });
      expect(exitStatus(traced)).toBe(1);
      expect(receiver.spans()).toEqual([]);
      // Every span was tried on its own, after the requests they were split from.
      if (protocol === 'http/protobuf') expect(receiver.tooLargeCount).toBeGreaterThan(20);
      expect(lostLines(traced)).toEqual([
        expect.stringMatching(
          new RegExp(
            String.raw`^\[@acme\/otel\] 20 spans were lost at exit: 20 spans too large for the collector ${AT} even alone \(${ANSWER[protocol]}\): span "small-\d+" \(trace [0-9a-f]{32}, span [0-9a-f]{16}\), span "small-\d+" \([^)]*\), span "small-\d+" \([^)]*\) and 17 more$`,
          ),
        ),
      ]);
    });

  it('… and with more spans than the time allows: the exit keeps its deadline, and says what is lost once', async () => {
    // 4,000 spans refused down to single spans: ~8,000 requests, more than a loaded host answers in
    // the time (an idle one may answer them all: both endings are right).
    const timeoutMillis = 1000;
    const { untraced, traced, receiver } = await crash({
      protocol: 'grpc',
      limit: 100,
      small: 4000,
      smallBytes: 200,
      timeoutMillis,
    });
    expect(exitStatus(traced)).toBe(1);
    expect(receiver.spans()).toEqual([]);
    // Nothing delivered: all 4,000 are counted, the ones refused alone and the ones not tried in time.
    const lost = lostLines(traced);
    expect(lost).toEqual([
      expect.stringMatching(
        /^\[@acme\/otel\] 4,000 spans were lost at exit: (?:[\d,]+ spans too large for the collector at \S+ even alone \(.*\): .* and [\d,]+ more(?:; |$))?(?:the collector did not answer within \d+ ms(?:, while sending the parts of \d+ requests? it refused as too large)?)?$/,
      ),
    ]);
    expect(lost[0]).toMatch(/too large|did not answer/);
    // The bound is the timeout; start-up and the sender thread come on top (generous: shared hosts).
    expect(traced.ms - untraced.ms).toBeLessThan(timeoutMillis + 2_000);
  });

  for (const protocol of PROTOCOLS)
    it(`a collector that answers the first part, then hangs: the deadline holds, the delivered count is true (${protocol})`, async () => {
      const { untraced, traced, receiver } = await crash({
        protocol,
        limit: 64 * 1024,
        small: 100,
        giantBytes: 256 * 1024,
        timeoutMillis: 2000,
        mode: { hangAfter: 1 },
      });
      expect(exitStatus(traced)).toBe(1);
      const delivered = new Set(receiver.spans().map((s) => s.spanId)).size;
      expect(delivered).toBeGreaterThan(0);
      expect(delivered).toBeLessThan(100);
      const lost = lostLines(traced);
      expect(lost).toHaveLength(1);
      expect(lost[0]).toMatch(
        new RegExp(
          String.raw`^\[@acme\/otel\] ${101 - delivered === 1 ? '1 span was' : `${101 - delivered} spans were`} lost at exit: span "giant" \(trace [0-9a-f]{32}, span [0-9a-f]{16}\) too large for the collector ${AT} \(${ANSWER[protocol]}\); the collector did not answer within \d+ ms, while sending the parts of \d+ requests? it refused as too large$`,
        ),
      );
      expect(traced.ms - untraced.ms).toBeLessThan(2000 + 2_000);
    });

  it('the Collector states its limit (grpc-go): the refused request is cut to it at once, every span delivered', async () => {
    // 100 spans of 2 KB, one request of ~215 KB against 64 KiB. Before: halved, its halves
    // (~107 KB) refused and halved again: 3 refused requests.
    const { traced, receiver } = await crash({
      protocol: 'grpc',
      limit: 64 * 1024,
      small: 100,
      grpcGo: true,
    });
    expect(exitStatus(traced)).toBe(1);
    expect(new Set(receiver.spans().map((s) => s.spanId)).size).toBe(100);
    expect(receiver.tooLargeCount).toBe(1);
    expect(receiver.requestCount).toBe(4);
    expect(lostLines(traced)).toEqual([]);
    expect(traced.stderr).toMatch(
      /\[@acme\/otel\] the collector at \S+ refused an export request as too large, stating a limit of 65,536 bytes/,
    );
  });

  it('… and later requests of the same exit are cut to it before they are sent', async () => {
    // 400 spans of 2 KB pending as 20 requests of 20 (~43 KB each) against 32 KiB. Before, each of
    // the 20 was sent, refused and halved. Now only those sent before the first refusal came back
    // (8 at a time; the export loop may also have sent one before the crash) are refused.
    const { traced, receiver } = await crash({
      protocol: 'grpc',
      limit: 32 * 1024,
      small: 400,
      grpcGo: true,
      batchSize: 20,
    });
    expect(exitStatus(traced)).toBe(1);
    expect(new Set(receiver.spans().map((s) => s.spanId)).size).toBe(400);
    expect(receiver.tooLargeCount).toBeGreaterThan(0);
    expect(receiver.tooLargeCount).toBeLessThanOrEqual(9);
    expect(lostLines(traced)).toEqual([]);
  });

  it('… and a limit the export learned before the crash cuts the pending requests: none refused at exit', async () => {
    // 100 spans flushed first (refused once, cut to the stated 64 KiB), then 100 pending at the
    // crash. Before: each of the two requests of ~215 KB refused, halved and refused again: 6.
    const { traced, receiver } = await crash({
      protocol: 'grpc',
      limit: 64 * 1024,
      small: 100,
      grpcGo: true,
      flushFirst: 100,
    });
    expect(exitStatus(traced)).toBe(1);
    expect(new Set(receiver.spans().map((s) => s.name)).size).toBe(200);
    expect(receiver.tooLargeCount).toBe(1);
    expect(lostLines(traced)).toEqual([]);
  });
});
