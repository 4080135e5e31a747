import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ExportCounters } from './stats.js';

/**
 * Counts the spans an exporter outside the batch path accepted or refused. The console and
 * waterfall exporters get spans one at a time from FlushingSimpleSpanProcessor, which keeps no
 * counters, so `tracing.stats()` said `exported: 0` after printing every span (issue 21).
 */
export class CountingExporter implements SpanExporter {
  private readonly inner: SpanExporter;
  private readonly stats: ExportCounters;

  constructor(inner: SpanExporter, stats: ExportCounters) {
    this.inner = inner;
    this.stats = stats;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.stats.exported += spans.length;
      else this.stats.failed += spans.length;
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
