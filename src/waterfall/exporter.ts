import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { fromReadableSpan } from './adapters.js';
import { shouldColor } from './format.js';
import { renderWaterfall } from './render.js';
import type { WaterfallOptions, WaterfallSpan } from './types.js';

/** Where the waterfall is written: anything with `write(string)`, e.g. `process.stderr`. */
export interface WaterfallStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface WaterfallExporterOptions extends WaterfallOptions {
  /** Where traces are printed. @default process.stderr */
  stream?: WaterfallStream;
  /** Environment read for `NO_COLOR` / `FORCE_COLOR` when `color` is not given. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** A trace whose root span never arrives here is printed this long after its last span. @default 1000 */
  idleTimeoutMillis?: number;
  /** Traces buffered at once; past this the oldest is printed early. @default 1000 */
  maxPendingTraces?: number;
}

interface Pending {
  spans: WaterfallSpan[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * A `SpanExporter` for local development that prints each trace as a terminal waterfall when its
 * local root span ends (the span with no parent, or a remote one), or `idleTimeoutMillis` after the
 * last span of a trace whose root is elsewhere. Selected with `exporter: 'waterfall'` or
 * `OTEL_TRACES_EXPORTER=waterfall`.
 *
 * @example
 * initTracing({ exporter: new WaterfallExporter({ stream: process.stdout }) });
 */
export class WaterfallExporter implements SpanExporter {
  private readonly pending = new Map<string, Pending>();
  private readonly stream: WaterfallStream;
  private readonly render: WaterfallOptions;
  private readonly idleTimeoutMillis: number;
  private readonly maxPendingTraces: number;
  private stopped = false;

  constructor(options: WaterfallExporterOptions = {}) {
    const { stream, env, idleTimeoutMillis, maxPendingTraces, ...render } = options;
    this.stream = stream ?? process.stderr;
    this.render = { ...render, color: render.color ?? shouldColor(this.stream, env ?? process.env) };
    this.idleTimeoutMillis = Math.max(0, idleTimeoutMillis ?? 1000);
    this.maxPendingTraces = Math.max(1, maxPendingTraces ?? 1000);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('WaterfallExporter is shut down') });
      return;
    }
    const complete = new Set<string>();
    for (const span of spans) {
      const traceId = span.spanContext().traceId;
      this.buffer(traceId).spans.push(fromReadableSpan(span));
      const parent = span.parentSpanContext;
      if (!parent || parent.isRemote === true) complete.add(traceId);
    }
    for (const traceId of complete) this.print(traceId);
    for (const span of spans) {
      const traceId = span.spanContext().traceId;
      if (this.pending.has(traceId)) this.arm(traceId);
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  /** Print every buffered trace now. */
  forceFlush(): Promise<void> {
    for (const traceId of [...this.pending.keys()]) this.print(traceId);
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    const flushed = this.forceFlush();
    this.stopped = true;
    return flushed;
  }

  private buffer(traceId: string): Pending {
    let entry = this.pending.get(traceId);
    if (!entry) {
      if (this.pending.size >= this.maxPendingTraces) {
        const oldest = this.pending.keys().next().value;
        if (oldest !== undefined) this.print(oldest);
      }
      entry = { spans: [], timer: undefined };
      this.pending.set(traceId, entry);
    }
    return entry;
  }

  private arm(traceId: string): void {
    const entry = this.pending.get(traceId);
    if (!entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.print(traceId), this.idleTimeoutMillis);
    // Printing a late trace is never a reason to keep the process alive.
    entry.timer.unref?.();
  }

  private print(traceId: string): void {
    const entry = this.pending.get(traceId);
    if (!entry) return;
    this.pending.delete(traceId);
    if (entry.timer) clearTimeout(entry.timer);
    if (entry.spans.length === 0) return;
    try {
      this.stream.write(`${renderWaterfall(entry.spans, this.render)}\n`);
    } catch {
      // A closed or broken stream must not break the export pipeline.
    }
  }
}
