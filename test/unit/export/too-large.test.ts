// Issue 20, item 2: a "too large" answer (gRPC RESOURCE_EXHAUSTED "larger than max", HTTP 413) is
// never retried unchanged. Before, it was retried like throttling until the 30 s deadline, and
// the whole batch was then lost. A collector stand-in here refuses requests over a span budget.
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { BasicTracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { AcmeBatchSpanProcessor } from '../../../src/export/batch-processor.js';
import { DropReporter } from '../../../src/export/drop-reporter.js';
import { RetryingExporter } from '../../../src/export/retrying-exporter.js';
import { createExportStats } from '../../../src/export/stats.js';
import { isTooLargeAnswer, type PartialExportResult } from '../../../src/export/too-large.js';

beforeEach(() => {
  resetLogger();
  setLogSink(() => undefined);
});
afterEach(() => resetLogger());

const tooLargeGrpc = () =>
  Object.assign(new Error('8 RESOURCE_EXHAUSTED: Received message larger than max (5242880 vs. 4194304)'), {
    code: 8,
    details: 'Received message larger than max (5242880 vs. 4194304)',
  });
const tooLargeHttp = () => Object.assign(new Error('Payload Too Large'), { code: 413 });

/**
 * Refuses any request holding a span named "huge", or more than `maxSpans` spans, as too large;
 * accepts the rest. Records every request's span names, to check none is sent twice unchanged.
 */
function sizeLimitedCollector(maxSpans: number, error: () => Error = tooLargeGrpc) {
  const requests: string[][] = [];
  const delivered: string[] = [];
  const exporter: SpanExporter = {
    export(spans: ReadableSpan[], cb: (r: ExportResult) => void) {
      const names = spans.map((s) => s.name);
      requests.push(names);
      const refuse = names.length > maxSpans || names.includes('huge');
      if (!refuse) delivered.push(...names);
      setTimeout(() => cb(refuse ? { code: ExportResultCode.FAILED, error: error() } : { code: 0 }), 1);
    },
    async shutdown() {},
  };
  return { exporter, requests, delivered };
}

function spans(names: string[]): ReadableSpan[] {
  const captured: ReadableSpan[] = [];
  const provider = new BasicTracerProvider({
    spanProcessors: [
      {
        onStart() {},
        onEnd: (s: ReadableSpan) => captured.push(s),
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ],
  });
  for (const name of names) provider.getTracer('t').startSpan(name).end();
  return captured;
}

const exportVia = (exporter: SpanExporter, batch: ReadableSpan[]) =>
  new Promise<PartialExportResult>((resolve) => exporter.export(batch, resolve));

describe('isTooLargeAnswer', () => {
  it('knows the Collector, grpc-js and HTTP answers, and not throttling', () => {
    expect(isTooLargeAnswer(tooLargeGrpc())).toBe(true);
    expect(
      isTooLargeAnswer(
        Object.assign(
          new Error('8 RESOURCE_EXHAUSTED: grpc: received message after decompression larger than max'),
          {
            code: 8,
          },
        ),
      ),
    ).toBe(true);
    // grpc-js (a Node receiver) for a gzip body over its limit once inflated.
    expect(
      isTooLargeAnswer(
        Object.assign(
          new Error('8 RESOURCE_EXHAUSTED: Received message that decompresses to a size larger than 65536'),
          { code: 8 },
        ),
      ),
    ).toBe(true);
    expect(isTooLargeAnswer(tooLargeHttp())).toBe(true);
    expect(isTooLargeAnswer(new Error('wrapped', { cause: tooLargeHttp() }))).toBe(true);
    // A proxy's 413 in front of a gRPC collector, as our http2 transport reports it.
    expect(
      isTooLargeAnswer(Object.assign(new Error('2 UNKNOWN: Received HTTP status code 413'), { code: 2 })),
    ).toBe(true);
    expect(
      isTooLargeAnswer(Object.assign(new Error('8 RESOURCE_EXHAUSTED: rate limited'), { code: 8 })),
    ).toBe(false);
    expect(isTooLargeAnswer(Object.assign(new Error('14 UNAVAILABLE'), { code: 14 }))).toBe(false);
    expect(isTooLargeAnswer(undefined)).toBe(false);
  });
});

describe('RetryingExporter and a too-large answer', () => {
  for (const [kind, error] of [
    ['gRPC RESOURCE_EXHAUSTED', tooLargeGrpc],
    ['HTTP 413', tooLargeHttp],
  ] as const) {
    it(`${kind}: sends halves, never the same request twice, drops only the span too large alone`, async () => {
      const collector = sizeLimitedCollector(100, error);
      const retries: unknown[] = [];
      const exporter = new RetryingExporter(collector.exporter, {
        initialBackoffMillis: 1,
        onRetry: (e) => retries.push(e),
      });
      const names = Array.from({ length: 300 }, (_, i) => (i === 137 ? 'huge' : `s${i}`));
      const result = await exportVia(exporter, spans(names));
      expect(result.code).toBe(ExportResultCode.SUCCESS);
      expect(result.failedCount).toBe(1);
      expect(result.error?.message).toMatch(
        /^span "huge" \(trace [0-9a-f]{32}, span [0-9a-f]{16}\) too large for the collector: /,
      );
      expect(collector.delivered.sort()).toEqual(names.filter((n) => n !== 'huge').sort());
      const sent = collector.requests.map((r) => r.join(','));
      expect(new Set(sent).size).toBe(sent.length);
      expect(retries).toEqual([]);
    });
  }

  it('a batch whose only span is too large fails whole, as too large', async () => {
    const collector = sizeLimitedCollector(100);
    const result = await exportVia(new RetryingExporter(collector.exporter), spans(['huge']));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toContain('too large');
    expect(collector.requests).toHaveLength(1);
  });

  // OTLP spec, "Failures": RESOURCE_EXHAUSTED is retried only when the server sent a RetryInfo
  // (throttling, its delay in `retryAfterMillis`: grpc-transport.ts); without one it is not.
  it.each([
    ['with a RetryInfo (throttling) is retried', { retryAfterMillis: 5 }, 2, ExportResultCode.SUCCESS],
    ['without a RetryInfo (out of resources) is not retried', {}, 1, ExportResultCode.FAILED],
  ])('RESOURCE_EXHAUSTED without a size message %s', async (_name, extra, expectedCalls, expectedCode) => {
    let calls = 0;
    const inner: SpanExporter = {
      export(_s, cb) {
        calls++;
        const error = Object.assign(new Error('8 RESOURCE_EXHAUSTED: slow down'), { code: 8 }, extra);
        setTimeout(() => cb(calls === 1 ? { code: ExportResultCode.FAILED, error } : { code: 0 }), 1);
      },
      async shutdown() {},
    };
    const result = await exportVia(new RetryingExporter(inner, { initialBackoffMillis: 1 }), spans(['a']));
    expect(result.code).toBe(expectedCode);
    expect(calls).toBe(expectedCalls);
  });
});

describe('the batch processor counts a partly delivered request truthfully', () => {
  it('exported = delivered, failed = the span too large, reported as too large', async () => {
    const collector = sizeLimitedCollector(50);
    const stats = createExportStats();
    const reporter = new DropReporter(stats);
    const failures: [number, unknown][] = [];
    const record = reporter.recordFailure.bind(reporter);
    reporter.recordFailure = (count, error) => {
      failures.push([count, error]);
      record(count, error);
    };
    const processor = new AcmeBatchSpanProcessor(new RetryingExporter(collector.exporter), {
      maxExportBatchSize: 512,
      scheduledDelayMillis: 60_000,
      stats,
      reporter,
    });
    const provider = new BasicTracerProvider({ spanProcessors: [processor] });
    for (let i = 0; i < 200; i++)
      provider
        .getTracer('t')
        .startSpan(i === 7 ? 'huge' : `s${i}`)
        .end();
    await processor.forceFlush();
    expect(stats.snapshot()).toMatchObject({ exported: 199, failed: 1, dropped: 0, retries: 0 });
    expect(failures).toHaveLength(1);
    expect(failures[0]![0]).toBe(1);
    expect(String((failures[0]![1] as Error).message)).toMatch(/span "huge" .*too large/);
    await processor.shutdown();
  });
});
