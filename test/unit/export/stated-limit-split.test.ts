// A collector that refuses a request as too large and states its limit (the Collector:
// "grpc: received message larger than max (N vs. M)"): the request is cut straight into parts
// that fit M, and every later request of that exporter is cut to M before it is sent. Before, the
// refused request was halved (100 spans against a 4-span limit: 31 refused requests of a halving
// tree before 32 went through), and each later batch was sent, refused and halved again.
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { AcmeBatchSpanProcessor } from '../../../src/export/batch-processor.js';
import { EncodedSpanQueue, type EncodedSpans } from '../../../src/export/otlp/encoded-queue.js';
import { buildTraceRequest } from '../../../src/export/otlp/request.js';
import { splitBySize } from '../../../src/export/otlp/request-split.js';
import { LEARNED_LIMIT_MILLIS, RequestSizeLimit } from '../../../src/export/request-size-limit.js';
import { RetryingExporter } from '../../../src/export/retrying-exporter.js';
import { createExportStats } from '../../../src/export/stats.js';
import type { PartialExportResult } from '../../../src/export/too-large.js';
import { groupThousands } from '../../../src/util/group-thousands.js';

let lines: string[] = [];
beforeEach(() => {
  resetLogger();
  lines = [];
  setLogSink((level, line) => lines.push(`${level} ${line}`));
});
afterEach(() => resetLogger());

const CONFIGURED = 4 * 1024 * 1024;
const ENDPOINT = 'http://user:secret@127.0.0.1:4317';

/** Ended spans with a `blob` attribute of `bytes` characters each, encoded as the OTLP queue holds them. */
function encoded(count: number, bytes = 1000, prefix = 's'): EncodedSpans {
  const queue = new EncodedSpanQueue(count);
  for (const span of spanObjects(count, bytes, prefix)) queue.push(span);
  return queue.take(count);
}

/**
 * Refuses a request over `limit` bytes as grpc-go does, stating the limit (or, `http413`, as an
 * OTLP/HTTP collector does, stating none); accepts the rest. `sizes` of every request, `refused`
 * of those refused, spans delivered by count.
 */
function collector(initialLimit: number, http413 = false) {
  let limit = initialLimit;
  const sent: number[] = [];
  let refused = 0;
  let delivered = 0;
  const exporter: SpanExporter = {
    export(spans: ReadableSpan[], cb) {
      const batch = spans as unknown as EncodedSpans;
      const size = buildTraceRequest(batch).length;
      sent.push(size);
      if (size > limit) {
        refused++;
        const details = `grpc: received message larger than max (${size} vs. ${limit})`;
        const error = http413
          ? Object.assign(new Error('HTTP 413: Payload Too Large'), { code: 413 })
          : Object.assign(new Error(`8 RESOURCE_EXHAUSTED: ${details}`), { code: 8, details });
        setTimeout(() => cb({ code: 1, error }), 1);
        return;
      }
      delivered += batch.length;
      setTimeout(() => cb({ code: 0 }), 1);
    },
    async shutdown() {},
  };
  return {
    exporter,
    sent,
    /** The collector re-deployed with another limit. */
    setLimit(bytes: number) {
      limit = bytes;
    },
    get refused() {
      return refused;
    },
    get delivered() {
      return delivered;
    },
  };
}

const exportVia = (exporter: SpanExporter, batch: EncodedSpans) =>
  new Promise<PartialExportResult>((resolve) => exporter.export(batch as unknown as ReadableSpan[], resolve));

describe('a refused request is cut to the limit the collector states', () => {
  it('100 spans, a limit of 4 spans: one refused request, then exactly the parts needed; none refused after', async () => {
    const first = encoded(100);
    const limit = buildTraceRequest(first.slice(0, 4)).length;
    const c = collector(limit);
    const sizeLimit = new RequestSizeLimit(CONFIGURED, ENDPOINT);
    const exporter = new RetryingExporter(c.exporter, { sizeLimit });

    const needed = splitBySize(first, limit).length;
    expect(needed).toBeGreaterThanOrEqual(25);
    expect(needed).toBeLessThanOrEqual(34);
    const result = await exportVia(exporter, first);
    expect(result).toEqual({ code: 0 });
    expect(c.delivered).toBe(100);
    expect(c.refused).toBe(1);
    expect(c.sent).toHaveLength(1 + needed);
    expect(Math.max(...c.sent.slice(1))).toBeLessThanOrEqual(limit);
    expect(sizeLimit.bytes).toBe(limit);

    // A later batch of the same size is cut before it is sent: no round trip wasted on a refusal.
    const second = encoded(100, 1000, 'b');
    const sentBefore = c.sent.length;
    expect(await exportVia(exporter, second)).toEqual({ code: 0 });
    expect(c.refused).toBe(1);
    expect(c.delivered).toBe(200);
    expect(c.sent.length - sentBefore).toBe(splitBySize(second, limit).length);

    // Said once, at the warn level: the collector (credentials scrubbed), its limit, ours, what is used.
    const warned = lines.filter((line) => line.startsWith('warn'));
    expect(warned).toEqual([
      expect.stringMatching(
        new RegExp(
          `^warn \\[@acme/otel\\] the collector at http://REDACTED:REDACTED@127\\.0\\.0\\.1:4317 refused an export request as too large, stating a limit of ${groupThousands(limit)} bytes, below maxExportRequestBytes \\(4,194,304\\): export requests are cut to ${groupThousands(limit)} bytes from now on \\(maxExportRequestBytes is tried again after 10 minutes; set maxExportRequestBytes to it, or raise the collector's limit: an OpenTelemetry Collector's max_recv_msg_size_mib\\)$`,
        ),
      ),
    ]);
    expect(warned[0]).not.toContain('secret');
  });

  it('a stated limit too small for the resource and one small span is not used: halved as before', async () => {
    const batch = encoded(8, 100);
    const c = collector(Number.POSITIVE_INFINITY);
    let calls = 0;
    const stingy: SpanExporter = {
      export(spans, cb) {
        // Refuses the whole batch, claiming 10 bytes; takes its halves.
        if (calls++ === 0) {
          const details = 'grpc: received message larger than max (5000 vs. 10)';
          cb({ code: 1, error: Object.assign(new Error(details), { code: 8, details }) });
          return;
        }
        c.exporter.export(spans, cb);
      },
      async shutdown() {},
    };
    const sizeLimit = new RequestSizeLimit(CONFIGURED);
    const result = await exportVia(new RetryingExporter(stingy, { sizeLimit }), batch);
    expect(result).toEqual({ code: 0 });
    expect(c.sent).toHaveLength(2);
    expect(sizeLimit.bytes).toBe(CONFIGURED);
    expect(lines.filter((line) => line.startsWith('warn'))).toEqual([]);
  });

  it('never raised above maxExportRequestBytes, nor back up', async () => {
    const sizeLimit = new RequestSizeLimit(100_000);
    const batch = encoded(4, 100);
    expect(sizeLimit.learn(200_000, batch)).toBe(200_000);
    expect(sizeLimit.bytes).toBe(100_000);
    expect(sizeLimit.learn(50_000, batch)).toBe(50_000);
    expect(sizeLimit.learn(80_000, batch)).toBe(80_000);
    expect(sizeLimit.bytes).toBe(50_000);
    expect(sizeLimit.learn(40_000, batch)).toBe(40_000);
    expect(sizeLimit.bytes).toBe(40_000);
    // One warning; the second lowering is a debug line.
    expect(lines.filter((line) => line.startsWith('warn'))).toHaveLength(1);
  });

  it('through the batch processor: every span counted exported, none failed; later batches cut at once', async () => {
    const spans = spanObjects(200, 1000);
    const probe = encoded(4, 1000);
    const limit = buildTraceRequest(probe).length;
    const c = collector(limit);
    const sizeLimit = new RequestSizeLimit(CONFIGURED);
    const stats = createExportStats();
    const processor = new AcmeBatchSpanProcessor(new RetryingExporter(c.exporter, { sizeLimit }), {
      scheduledDelayMillis: 60_000,
      maxExportBatchSize: 100,
      stats,
      createQueue: (capacity) => {
        const queue = new EncodedSpanQueue(capacity, undefined, {
          maxRequestBytes: CONFIGURED,
          onOversized: () => undefined,
        });
        sizeLimit.onChange((bytes) => queue.setRequestBytes(bytes));
        return queue;
      },
      splitBatch: (batch) => splitBySize(batch as EncodedSpans, sizeLimit.bytes),
    });
    for (const span of spans.slice(0, 100)) processor.onEnd(span);
    await processor.forceFlush();
    expect(c.refused).toBe(1);
    for (const span of spans.slice(100)) processor.onEnd(span);
    await processor.forceFlush();
    expect(c.refused).toBe(1);
    expect(stats.exported).toBe(200);
    expect(stats.failed).toBe(0);
    expect(c.delivered).toBe(200);
    await processor.shutdown();
  });
});

describe('a refused request with no limit stated (HTTP 413)', () => {
  it('the largest part accepted is kept: later requests are cut to it, none refused', async () => {
    const first = encoded(100);
    const limit = buildTraceRequest(first.slice(0, 10)).length;
    const c = collector(limit, true);
    const sizeLimit = new RequestSizeLimit(CONFIGURED, ENDPOINT);
    const exporter = new RetryingExporter(c.exporter, { sizeLimit });

    expect(await exportVia(exporter, first)).toEqual({ code: 0 });
    expect(c.delivered).toBe(100);
    const refusedFirst = c.refused;
    expect(refusedFirst).toBeGreaterThanOrEqual(3);
    const accepted = c.sent.filter((size) => size <= limit);
    expect(sizeLimit.bytes).toBe(Math.max(...accepted));
    expect(sizeLimit.lowered).toBe(true);

    // Before, each later batch cost the same refusals again (the halving tree): now none.
    for (let round = 0; round < 4; round++) {
      expect(await exportVia(exporter, encoded(100, 1000, `r${round}-`))).toEqual({ code: 0 });
    }
    expect(c.refused).toBe(refusedFirst);
    expect(c.delivered).toBe(500);

    const warned = lines.filter((line) => line.startsWith('warn'));
    expect(warned).toEqual([
      `warn [@acme/otel] the collector at http://REDACTED:REDACTED@127.0.0.1:4317 refused an export request of ${groupThousands(buildTraceRequest(first).length)} bytes as too large, stating no limit; its parts of up to ${groupThousands(sizeLimit.bytes)} bytes were accepted, below maxExportRequestBytes (4,194,304): export requests are cut to ${groupThousands(sizeLimit.bytes)} bytes from now on (maxExportRequestBytes is tried again after 10 minutes; set maxExportRequestBytes to it, or raise the limit of the collector, or of a proxy in front of it)`,
    ]);
  });

  it('nothing accepted (every span refused alone): nothing kept', async () => {
    const c = collector(10, true);
    const sizeLimit = new RequestSizeLimit(CONFIGURED);
    const result = await exportVia(new RetryingExporter(c.exporter, { sizeLimit }), encoded(4, 100));
    expect(result.code).toBe(1);
    expect(c.delivered).toBe(0);
    expect(sizeLimit.lowered).toBe(false);
  });

  it('a part accepted smaller than the floor (resource, scope and a small span) is not kept', () => {
    const sizeLimit = new RequestSizeLimit(CONFIGURED);
    const batch = encoded(4, 100);
    sizeLimit.learnAccepted(50_000, 200, batch);
    expect(sizeLimit.lowered).toBe(false);
    sizeLimit.learnAccepted(50_000, 20_000, batch);
    expect(sizeLimit.bytes).toBe(20_000);
  });
});

// A learned limit was kept until the process restarted: a collector re-deployed with a higher
// limit was never used fully again. It now lives LEARNED_LIMIT_MILLIS; then requests up to
// maxExportRequestBytes are tried again, while spans stay truncated to the learned limit until a
// request larger than it is accepted. Refused again: the learned limit is kept for another
// lifetime (one refused request per lifetime at most). Fake time: the clock is passed in.
describe('a learned limit has a lifetime', () => {
  function setUp() {
    let now = 1_000_000;
    const first = encoded(100);
    const limit = buildTraceRequest(first.slice(0, 10)).length;
    const c = collector(limit);
    const sizeLimit = new RequestSizeLimit(CONFIGURED, ENDPOINT, () => now);
    const truncation: number[] = [];
    sizeLimit.onChange((bytes) => truncation.push(bytes));
    const exporter = new RetryingExporter(c.exporter, { sizeLimit });
    return {
      c,
      limit,
      sizeLimit,
      truncation,
      exporter,
      first,
      advance: (ms: number) => {
        now += ms;
      },
    };
  }

  it('kept for LEARNED_LIMIT_MILLIS; then the configured size is tried once, and used again when the collector takes it', async () => {
    const { c, limit, sizeLimit, truncation, exporter, first, advance } = setUp();
    expect(LEARNED_LIMIT_MILLIS).toBe(10 * 60_000);
    await exportVia(exporter, first);
    expect(sizeLimit.bytes).toBe(limit);
    expect(truncation).toEqual([limit]);

    advance(LEARNED_LIMIT_MILLIS - 1);
    expect(sizeLimit.lowered).toBe(true);
    expect(await exportVia(exporter, encoded(100, 1000, 'a'))).toEqual({ code: 0 });
    expect(c.refused).toBe(1);

    // The collector is re-deployed with a higher limit; the lifetime ends.
    c.setLimit(Number.POSITIVE_INFINITY);
    advance(1);
    expect(sizeLimit.bytes).toBe(CONFIGURED);
    expect(sizeLimit.lowered).toBe(false);
    // Spans stay truncated to the learned limit until a larger request went through.
    expect(sizeLimit.truncationBytes).toBe(limit);
    const sentBefore = c.sent.length;
    expect(await exportVia(exporter, encoded(100, 1000, 'b'))).toEqual({ code: 0 });
    expect(c.sent.length - sentBefore).toBe(1);
    expect(c.refused).toBe(1);
    expect(sizeLimit.truncationBytes).toBe(CONFIGURED);
    expect(truncation).toEqual([limit, CONFIGURED]);
    expect(lines.filter((line) => line.startsWith('info'))).toEqual([
      expect.stringMatching(
        /^info \[@acme\/otel\] the collector at http:\/\/REDACTED:REDACTED@127\.0\.0\.1:4317 accepted an export request of [\d,]+ bytes, more than the limit learned from it 10 minutes ago \([\d,]+\): export requests are cut to maxExportRequestBytes \(4,194,304\) again$/,
      ),
    ]);
  });

  it('refused again: the learned limit is kept for another lifetime; one refused request per lifetime, one warning in all', async () => {
    const { c, limit, sizeLimit, truncation, exporter, first, advance } = setUp();
    await exportVia(exporter, first);
    for (let lifetime = 1; lifetime <= 3; lifetime++) {
      advance(LEARNED_LIMIT_MILLIS);
      expect(sizeLimit.bytes).toBe(CONFIGURED);
      expect(await exportVia(exporter, encoded(100, 1000, `x${lifetime}-`))).toEqual({ code: 0 });
      expect(c.refused).toBe(1 + lifetime);
      expect(sizeLimit.bytes).toBe(limit);
      // Within the lifetime: none refused.
      advance(LEARNED_LIMIT_MILLIS / 2);
      expect(await exportVia(exporter, encoded(100, 1000, `y${lifetime}-`))).toEqual({ code: 0 });
      expect(c.refused).toBe(1 + lifetime);
    }
    expect(c.delivered).toBe(700);
    // Truncation never went back up: no request larger than the limit was accepted.
    expect(truncation).toEqual([limit]);
    expect(lines.filter((line) => line.startsWith('warn'))).toHaveLength(1);
  });

  it('a limit learned from a 413 lives the same, and a refusal that teaches nothing keeps it', async () => {
    let now = 0;
    const sizeLimit = new RequestSizeLimit(CONFIGURED, undefined, () => now);
    const batch = encoded(4, 100);
    sizeLimit.learnAccepted(50_000, 20_000, batch);
    expect(sizeLimit.bytes).toBe(20_000);
    now += LEARNED_LIMIT_MILLIS;
    expect(sizeLimit.bytes).toBe(CONFIGURED);
    // A too-large answer while trying the configured size again, whose parts teach nothing.
    sizeLimit.refused();
    expect(sizeLimit.bytes).toBe(20_000);
    now += LEARNED_LIMIT_MILLIS - 1;
    expect(sizeLimit.bytes).toBe(20_000);
  });
});

describe('a span that ends after the limit was lowered', () => {
  it('is truncated to fit the stated limit, and the report says whose limit it is', () => {
    const outcomes: { limitBytes: number; stated?: boolean; dropped: boolean }[] = [];
    const queue = new EncodedSpanQueue(4, undefined, {
      maxRequestBytes: CONFIGURED,
      onOversized: (_span, outcome) => outcomes.push(outcome),
    });
    const [big] = spanObjects(1, 100_000);
    queue.lowerRequestBytes(64 * 1024);
    expect(queue.push(big!)).toBe(true);
    const taken = queue.take(1);
    expect(taken.ends[0]! - taken.starts[0]!).toBeLessThanOrEqual(48 * 1024);
    expect(outcomes).toEqual([
      {
        dropped: false,
        encodedBytes: expect.any(Number),
        limitBytes: 48 * 1024,
        cut: ['blob'],
        stated: true,
      },
    ]);
    // Never raised back.
    queue.lowerRequestBytes(CONFIGURED);
    expect(queue.push(big!)).toBe(true);
    expect(outcomes).toHaveLength(2);
  });
});

function spanObjects(count: number, bytes: number, prefix = 'p'): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('t');
  for (let i = 0; i < count; i++)
    tracer.startSpan(`${prefix}${i}`, { attributes: { blob: 'x'.repeat(bytes) } }).end();
  return memory.getFinishedSpans();
}
