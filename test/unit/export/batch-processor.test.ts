import { context, createContextKey, propagation, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type ExportResult, ExportResultCode, isTracingSuppressed } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  type ReadableSpan,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import {
  AcmeBatchSpanProcessor,
  type AcmeBatchSpanProcessorOptions,
} from '../../../src/export/batch-processor.js';

/** A fake exporter: records requests, answers after `delayMs` with `result`, tracks concurrency. */
function fakeExporter(opts: { delayMs?: number; result?: ExportResultCode } = {}) {
  const state = {
    requests: [] as number[],
    exportedIds: [] as string[],
    inFlightSpans: 0,
    maxInFlightSpans: 0,
    shutdowns: 0,
    hang: false,
    result: opts.result ?? ExportResultCode.SUCCESS,
  };
  const exporter: SpanExporter = {
    export(spans: ReadableSpan[], cb: (r: ExportResult) => void) {
      state.requests.push(spans.length);
      state.inFlightSpans += spans.length;
      state.maxInFlightSpans = Math.max(state.maxInFlightSpans, state.inFlightSpans);
      if (state.hang) return;
      setTimeout(() => {
        state.inFlightSpans -= spans.length;
        if (state.result === ExportResultCode.SUCCESS) {
          for (const s of spans) state.exportedIds.push(s.spanContext().spanId);
          cb({ code: ExportResultCode.SUCCESS });
        } else cb({ code: ExportResultCode.FAILED, error: new Error('14 UNAVAILABLE') });
      }, opts.delayMs ?? 1);
    },
    async shutdown() {
      state.shutdowns++;
    },
  };
  return { exporter, state };
}

function setup(options: AcmeBatchSpanProcessorOptions, fake = fakeExporter(), ratio?: number) {
  const processor = new AcmeBatchSpanProcessor(fake.exporter, options);
  const provider = new BasicTracerProvider({
    spanProcessors: [processor],
    ...(ratio === undefined ? {} : { sampler: new TraceIdRatioBasedSampler(ratio) }),
  });
  const tracer = provider.getTracer('test');
  const ids: string[] = [];
  const produce = (n: number) => {
    for (let i = 0; i < n; i++) {
      const span = tracer.startSpan(`s${i}`);
      if (span.spanContext().traceFlags & TraceFlags.SAMPLED) ids.push(span.spanContext().spanId);
      span.end();
    }
  };
  return { processor, provider, produce, ids, ...fake };
}

beforeEach(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('AcmeBatchSpanProcessor', () => {
  it('forceFlush exports everything queued, in several batches, split into small requests', async () => {
    const t = setup({
      maxQueueSize: 4096,
      maxExportBatchSize: 512,
      maxSpansPerRequest: 128,
      scheduledDelayMillis: 60_000,
    });
    cleanup = () => t.processor.shutdown();
    t.produce(1500);
    await t.processor.forceFlush();
    expect(t.state.exportedIds.sort()).toEqual([...t.ids].sort());
    expect(Math.max(...t.state.requests)).toBeLessThanOrEqual(128);
    expect(t.processor.stats.snapshot()).toMatchObject({ exported: 1500, dropped: 0, failed: 0 });
  });

  it('keeps at most one batch of spans in flight', async () => {
    const t = setup(
      { maxQueueSize: 4096, maxExportBatchSize: 256, maxSpansPerRequest: 64 },
      fakeExporter({ delayMs: 20 }),
    );
    cleanup = () => t.processor.shutdown();
    t.produce(2000);
    await t.processor.forceFlush();
    expect(t.state.maxInFlightSpans).toBeLessThanOrEqual(256);
    expect(t.state.maxInFlightSpans).toBeGreaterThan(64);
    expect(t.state.exportedIds).toHaveLength(2000);
  });

  it('exports after the scheduled delay without a flush', async () => {
    const t = setup({ scheduledDelayMillis: 50 });
    cleanup = () => t.processor.shutdown();
    t.produce(3);
    await new Promise((r) => setTimeout(r, 200));
    expect(t.state.exportedIds).toHaveLength(3);
  });

  it('urgent (near the heap limit): spans go out within 100 ms of ending, queued ones too, and not after', async () => {
    const t = setup({ scheduledDelayMillis: 60_000 });
    cleanup = () => t.processor.shutdown();
    t.produce(3);
    t.processor.setUrgent(true);
    await new Promise((r) => setTimeout(r, 250));
    expect(t.state.exportedIds).toHaveLength(3);
    t.produce(2);
    await new Promise((r) => setTimeout(r, 250));
    expect(t.state.exportedIds).toHaveLength(5);
    // Relaxed: the scheduled delay again, for spans queued from now on.
    t.processor.setUrgent(false);
    t.produce(2);
    await new Promise((r) => setTimeout(r, 250));
    expect(t.state.exportedIds).toHaveLength(5);
    expect(t.state.requests).toEqual([3, 2]);
  });

  it('starts exporting as soon as a full batch is queued, not inside span.end()', async () => {
    const t = setup({ maxExportBatchSize: 10, scheduledDelayMillis: 60_000 });
    cleanup = () => t.processor.shutdown();
    t.produce(10);
    expect(t.state.requests).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(t.state.exportedIds).toHaveLength(10);
  });

  it('skips unsampled spans', async () => {
    const t = setup({}, fakeExporter(), 0);
    cleanup = () => t.processor.shutdown();
    t.produce(100);
    await t.processor.forceFlush();
    expect(t.state.requests).toHaveLength(0);
  });

  it('drops when the queue is full and counts every drop', async () => {
    const fake = fakeExporter();
    fake.state.hang = true;
    const t = setup(
      { maxQueueSize: 100, maxExportBatchSize: 50, exportTimeoutMillis: 200, shutdownTimeoutMillis: 300 },
      fake,
    );
    t.produce(50); // one batch taken and hung
    await new Promise((r) => setTimeout(r, 20));
    t.produce(1000);
    const stats = t.processor.stats.snapshot();
    expect(stats.dropped).toBe(1000 - 100);
    await t.processor.shutdown();
    const after = t.processor.stats.snapshot();
    // Everything is accounted for: exported + dropped + failed = produced.
    expect(after.exported + after.dropped + after.failed).toBe(1050);
  });

  it('counts failed exports', async () => {
    const t = setup({}, fakeExporter({ result: ExportResultCode.FAILED }));
    t.produce(20);
    await t.processor.forceFlush();
    expect(t.processor.stats.snapshot()).toMatchObject({ exported: 0, failed: 20 });
    await t.processor.shutdown();
  });

  it('shutdown is idempotent, flushes, then shuts the exporter down once', async () => {
    const t = setup({ scheduledDelayMillis: 60_000 });
    t.produce(700);
    const p1 = t.processor.shutdown();
    const p2 = t.processor.shutdown();
    expect(p1).toBe(p2);
    await p1;
    expect(t.state.exportedIds).toHaveLength(700);
    expect(t.state.shutdowns).toBe(1);
    t.produce(5);
    await t.processor.forceFlush();
    expect(t.state.exportedIds).toHaveLength(700);
  });

  // Spans that ended after shutdown() were lost without a word and without a count.
  it('a span ended after shutdown is counted as dropped and said once, naming the first', async () => {
    const lines: string[] = [];
    resetLogger();
    setLogSink((level, line) => lines.push(`${level} ${line}`));
    try {
      const t = setup({ scheduledDelayMillis: 60_000 }, fakeExporter(), 0.5);
      t.produce(100);
      await t.processor.shutdown();
      const sampled = t.ids.length;
      expect(t.state.exportedIds).toHaveLength(sampled);
      t.produce(40);
      const late = t.ids.length - sampled;
      expect(late).toBeGreaterThan(0);
      expect(t.processor.stats.snapshot()).toMatchObject({ exported: sampled, dropped: late });
      const warned = lines.filter((line) => line.includes('after tracing was shut down'));
      expect(warned).toHaveLength(1);
      expect(warned[0]).toMatch(
        /^warn \[@acme\/otel\] span "s\d+" \(trace [0-9a-f]{32}, span [0-9a-f]{16}\) ended after tracing was shut down, so it is not exported, nor is any span that ends after it/,
      );
      expect(t.state.exportedIds).toHaveLength(sampled);
    } finally {
      resetLogger();
    }
  });

  // A signal ends the spans still open (room made for them past the queue's bound), then the 'exit'
  // event ends those opened since: the second room must not replace the first, which held spans.
  it('room made at exit twice: the spans kept the first time are still taken, none dropped', () => {
    const t = setup({ scheduledDelayMillis: 60_000, maxQueueSize: 2, maxExportBatchSize: 2 });
    t.processor.makeRoomAtExit(2);
    t.produce(4);
    expect(t.processor.heldForExit).toBe(2);
    t.processor.makeRoomAtExit(1);
    t.produce(1);
    expect(t.processor.heldForExit).toBe(3);
    expect(t.processor.takeUnsent().reduce((sum, request) => sum + request.length, 0)).toBe(5);
    expect(t.processor.heldForExit).toBe(0);
    expect(t.processor.stats.snapshot().dropped).toBe(0);
  });

  it('the exit path takes the spans: after takeUnsent a span ending is neither counted nor said', () => {
    const lines: string[] = [];
    resetLogger();
    setLogSink((_level, line) => lines.push(line));
    try {
      const t = setup({ scheduledDelayMillis: 60_000 });
      t.produce(3);
      expect(t.processor.takeUnsent().reduce((sum, request) => sum + request.length, 0)).toBe(3);
      t.produce(2);
      expect(t.processor.stats.snapshot().dropped).toBe(0);
      expect(lines).toEqual([]);
    } finally {
      resetLogger();
    }
  });

  it('… and once the exit flush has run, a span ending (an app exit listener after ours) is counted and said once', () => {
    const lines: string[] = [];
    resetLogger();
    setLogSink((level, line) => lines.push(`${level} ${line}`));
    try {
      const t = setup({ scheduledDelayMillis: 60_000 });
      t.produce(3);
      t.processor.takeUnsent();
      t.processor.exitFlushed();
      t.produce(2);
      expect(t.processor.stats.snapshot().dropped).toBe(2);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^warn \[@acme\/otel\] span "s\d+" \(trace [0-9a-f]{32}, span [0-9a-f]{16}\) ended after the exit flush had sent what was pending/,
      );
    } finally {
      resetLogger();
    }
  });

  it('a hung exporter does not hold shutdown past its timeout, and nothing rejects', async () => {
    const fake = fakeExporter();
    fake.state.hang = true;
    fake.exporter.shutdown = () => new Promise(() => {});
    const t = setup({ exportTimeoutMillis: 10_000, shutdownTimeoutMillis: 300 }, fake);
    t.produce(600);
    const started = Date.now();
    await expect(t.processor.shutdown()).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(600);
    expect(t.processor.stats.snapshot().failed).toBeGreaterThan(0);
  });

  it('survives an exporter that throws synchronously', async () => {
    const t = setup({});
    t.exporter.export = () => {
      throw new Error('boom');
    };
    t.produce(10);
    await expect(t.processor.forceFlush()).resolves.toBeUndefined();
    expect(t.processor.stats.snapshot().failed).toBe(10);
    await t.processor.shutdown();
  });

  it('exports with tracing suppressed and without the context of the span that filled the batch', async () => {
    // The loop starts inside the span.end() that completes a batch, and forceFlush() runs in the
    // caller's context; neither context may reach the exporter (or be held by its timers and calls).
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const key = createContextKey('app value');
    const seen: unknown[] = [];
    const exporter: SpanExporter = {
      export(spans, cb) {
        seen.push([context.active().getValue(key), isTracingSuppressed(context.active()), spans.length]);
        setTimeout(() => cb({ code: ExportResultCode.SUCCESS }), 1);
      },
      async shutdown() {},
    };
    const t = setup(
      { maxExportBatchSize: 4, scheduledDelayMillis: 60_000 },
      { exporter, state: {} as never },
    );
    cleanup = () => t.processor.shutdown();
    const app = ROOT_CONTEXT.setValue(key, 'request context');
    context.with(app, () => t.produce(4)); // fills a batch: the loop starts in this context
    await new Promise((r) => setTimeout(r, 20));
    await context.with(app, async () => {
      t.produce(2);
      await t.processor.forceFlush();
    });
    expect(seen).toEqual([
      [undefined, true, 4],
      [undefined, true, 2],
    ]);
  });
});

describe('forceFlush bound', () => {
  // The handle's forceFlush() and the exit flush box this one at shutdownTimeoutMillis: it waited
  // the export timeout (30 s) past that, holding a script that had awaited it open. It now gives
  // up at the shutdown bound, and says so: spans queued after a finished flush are not "given up".
  it('gives up within the shutdown timeout, not the export timeout, and says it gave up', async () => {
    const t = setup({ exportTimeoutMillis: 30_000, shutdownTimeoutMillis: 50, scheduledDelayMillis: 60_000 });
    t.state.hang = true;
    t.produce(3);
    const started = Date.now();
    await t.processor.forceFlush();
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(t.processor.flushGaveUp).toBe(true);
    t.state.hang = false;
    cleanup = () => t.processor.shutdown();
  });

  it('a flush that finished has not given up, whatever is queued after it', async () => {
    const t = setup({
      exportTimeoutMillis: 30_000,
      shutdownTimeoutMillis: 5_000,
      scheduledDelayMillis: 60_000,
    });
    t.produce(3);
    await t.processor.forceFlush();
    expect(t.state.exportedIds).toHaveLength(3);
    t.produce(2);
    expect(t.processor.flushGaveUp).toBe(false);
    cleanup = () => t.processor.shutdown();
  });
});
