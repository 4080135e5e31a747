// Issue 20, "every queue has a bound": the OTLP export queue holds at most `batch.maxQueueBytes`
// encoded bytes (64 MiB by default), not only 4,096 spans. The span budgets allow spans of a few
// hundred KB, so through an outage 4,096 of them could have held gigabytes. Past the byte limit a
// span is dropped and counted as with a full queue, and a request's worth of bytes is sent at once
// rather than at the next count or timer.
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { setLogSink } from '../../../src/diag/log.js';
import { AcmeBatchSpanProcessor } from '../../../src/export/batch-processor.js';
import { EncodedSpanQueue, type EncodedSpans } from '../../../src/export/otlp/encoded-queue.js';
import { splitBySize } from '../../../src/export/otlp/request-split.js';
import { tracingToNowhere } from '../../support/otlp-nowhere.js';
import { resetTracing } from '../../support/reset.js';

afterEach(resetTracing);

/** Ended spans with a `blob` attribute of `sizes[i]` characters each. */
function spansOf(sizes: number[]): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('t');
  sizes.forEach((size, i) => {
    tracer.startSpan(`s${i}`, { attributes: { blob: 'x'.repeat(size) } }).end();
  });
  return memory.getFinishedSpans();
}

const noLimit = { maxRequestBytes: 4 * 1024 * 1024, onOversized: () => undefined };

describe('EncodedSpanQueue byte limit', () => {
  it('refuses a span past maxBytes, takes the first into an empty queue, frees bytes on take', () => {
    const [big, ...rest] = spansOf([300_000, 100_000, 100_000, 100_000, 1_000]);
    const queue = new EncodedSpanQueue(16, undefined, noLimit, 250_000);
    expect(queue.push(big!)).toBe(true); // larger than maxBytes, but the queue was empty
    expect(queue.push(rest[0]!)).toBe(false);
    expect(queue.take(1).length).toBe(1);
    expect(queue.bytes).toBe(0);
    expect(queue.push(rest[0]!)).toBe(true);
    expect(queue.push(rest[1]!)).toBe(true);
    expect(queue.push(rest[2]!)).toBe(false); // 300 KB would be past 250 KB
    expect(queue.push(rest[3]!)).toBe(true); // a small one still fits
    expect(queue.size).toBe(3);
    const taken = queue.take(3);
    let bytes = 0;
    for (let i = 0; i < taken.length; i++) bytes += taken.ends[i]! - taken.starts[i]!;
    expect(bytes).toBeGreaterThan(200_000);
    expect(queue.bytes).toBe(0);
  });

  it('a refused span leaves the slab as it was: the next span takes its place', () => {
    const spans = spansOf([20_000, 20_000, 1_000]);
    const queue = new EncodedSpanQueue(16, undefined, noLimit, 30_000);
    expect(queue.push(spans[0]!)).toBe(true);
    expect(queue.push(spans[1]!)).toBe(false);
    expect(queue.push(spans[2]!)).toBe(true);
    const taken = queue.take(2);
    expect(taken.starts[1]).toBe(taken.ends[0]);
  });

  it('refuses an oversized span before truncating it, so it is counted once, as dropped', () => {
    const [small, big] = spansOf([1_000, 300_000]);
    const oversized: boolean[] = [];
    const limit = {
      maxRequestBytes: 100_000,
      onOversized: (_s: ReadableSpan, o: { dropped: boolean }) => oversized.push(o.dropped),
    };
    // Truncated, the big span would take up to 75,000 bytes (the request less a quarter).
    const full = new EncodedSpanQueue(16, undefined, limit, 60_000);
    expect(full.push(small!)).toBe(true);
    expect(full.push(big!)).toBe(false);
    expect(oversized).toEqual([]);
    const roomy = new EncodedSpanQueue(16, undefined, limit, 120_000);
    expect(roomy.push(small!)).toBe(true);
    expect(roomy.push(big!)).toBe(true);
    expect(oversized).toEqual([false]); // truncated, and queued
  });

  it('is ready to send once a request of bytes is queued, or half the byte limit if less', () => {
    const spans = spansOf([100_000, 100_000, 100_000]);
    const queue = new EncodedSpanQueue(16, undefined, { ...noLimit, maxRequestBytes: 250_000 });
    queue.push(spans[0]!);
    queue.push(spans[1]!);
    expect(queue.ready).toBe(false);
    queue.push(spans[2]!);
    expect(queue.ready).toBe(true);
    const half = new EncodedSpanQueue(16, undefined, noLimit, 400_000);
    half.push(spans[0]!);
    expect(half.ready).toBe(false);
    half.push(spans[1]!);
    expect(half.ready).toBe(true);
  });
});

describe('the batch processor with a byte-limited queue', () => {
  it('sends large spans a request at a time, without waiting for 512 of them or the timer', async () => {
    const requests: number[] = [];
    const exporter: SpanExporter = {
      export(spans, done: (r: ExportResult) => void) {
        requests.push(spans.length);
        setImmediate(() => done({ code: ExportResultCode.SUCCESS }));
      },
      shutdown: () => Promise.resolve(),
    };
    const maxRequestBytes = 1024 * 1024;
    const processor = new AcmeBatchSpanProcessor(exporter, {
      scheduledDelayMillis: 60_000,
      createQueue: (capacity) =>
        new EncodedSpanQueue(capacity, undefined, { ...noLimit, maxRequestBytes }, 8 * maxRequestBytes),
      splitBatch: (batch) => splitBySize(batch as EncodedSpans, maxRequestBytes),
    });
    for (const span of spansOf(new Array(12).fill(300_000))) processor.onEnd(span);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(processor.stats.dropped).toBe(0);
    expect(requests.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(8);
    expect(Math.max(...requests)).toBeLessThanOrEqual(3);
    await processor.shutdown();
    expect(requests.reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('counts a span refused for bytes as dropped, and stays within the limit through an outage', async () => {
    const exporter: SpanExporter = {
      export() {}, // a hung collector: nothing ever answers
      shutdown: () => Promise.resolve(),
    };
    let queue: EncodedSpanQueue | undefined;
    const processor = new AcmeBatchSpanProcessor(exporter, {
      scheduledDelayMillis: 60_000,
      exportTimeoutMillis: 60_000,
      shutdownTimeoutMillis: 10,
      createQueue: (capacity) => {
        queue = new EncodedSpanQueue(capacity, undefined, noLimit, 2 * 1024 * 1024);
        return queue;
      },
    });
    const spans = spansOf(new Array(40).fill(200_000));
    // 10 spans of 200 KB fill 2 MiB; the export loop starts on the next turn.
    for (const span of spans.slice(0, 20)) processor.onEnd(span);
    expect([queue!.size, processor.stats.dropped]).toEqual([10, 10]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(queue!.size).toBe(0); // sent, never answered: the batch in flight is not the queue's
    for (const span of spans.slice(20)) processor.onEnd(span);
    expect([queue!.size, processor.stats.dropped]).toEqual([10, 20]);
    expect(queue!.bytes).toBeLessThanOrEqual(2 * 1024 * 1024);
    await processor.shutdown();
  });
});

describe('batch.maxQueueBytes and ACME_OTEL_MAX_QUEUE_BYTES', () => {
  it.each([
    ['the option', { batch: { maxQueueBytes: 65_536 } }, {}],
    ['the environment', {}, { ACME_OTEL_MAX_QUEUE_BYTES: '65536' }],
  ])('%s bounds the OTLP queue of initTracing', (_name, options, env) => {
    setLogSink(() => undefined);
    const tracing = tracingToNowhere(options, env);
    for (let i = 0; i < 10; i++) {
      tracing.tracer.startSpan('big', { attributes: { blob: 'x'.repeat(16_000) } }).end();
    }
    // 16 KB each: 4 fit 64 KiB, the 6 others are dropped (the export starts on the next turn).
    expect(tracing.stats().dropped).toBe(6);
  });
});
