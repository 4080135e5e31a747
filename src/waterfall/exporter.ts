import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { MAX_TIMER_MILLIS } from '../util/index.js';
import { fromReadableSpan } from './adapters.js';
import { shouldColor } from './format.js';
import { renderNumbers } from './options.js';
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
  /**
   * Wait this long after the local root span ends before printing: instrumentations such as
   * express end their layer spans just after the server span, and they belong in the picture.
   * @default 100
   */
  rootGraceMillis?: number;
  /** Traces buffered at once; past this the oldest is printed early. @default 1000 */
  maxPendingTraces?: number;
  /**
   * Spans kept of one trace (root spans up to twice as many): past it they are counted and the
   * print says how many were left out. Memory stays bounded for a trace that never ends. @default 1000
   */
  maxSpansPerTrace?: number;
}

interface Pending {
  spans: WaterfallSpan[];
  timer: ReturnType<typeof setTimeout> | undefined;
  rootSeen: boolean;
  /** The grace timer after the root is running: later spans join without delaying the print. */
  graced: boolean;
  /** Spans past `maxSpansPerTrace`, not kept. */
  omitted: number;
}

/**
 * A `SpanExporter` for local development that prints each trace as a terminal waterfall shortly
 * (`rootGraceMillis`) after its local root span ends (the span with no parent, or a remote one), or
 * `idleTimeoutMillis` after the last span of a trace whose root is elsewhere. Selected with `exporter: 'waterfall'` or
 * `OTEL_TRACES_EXPORTER=waterfall`. A render option it cannot use as given (`barWidth: 1e9`, `NaN`)
 * is named in one line on `stream` when constructed, with the value used instead.
 *
 * @example
 * initTracing({ exporter: new WaterfallExporter({ stream: process.stdout }) });
 */
export class WaterfallExporter implements SpanExporter {
  private readonly pending = new Map<string, Pending>();
  private readonly stream: WaterfallStream;
  private readonly render: WaterfallOptions;
  private readonly idleTimeoutMillis: number;
  private readonly rootGraceMillis: number;
  private readonly maxPendingTraces: number;
  private readonly maxSpansPerTrace: number;
  private stopped = false;

  constructor(options: WaterfallExporterOptions = {}) {
    const { stream, env, idleTimeoutMillis, rootGraceMillis, maxPendingTraces, maxSpansPerTrace, ...render } =
      options;
    this.stream = stream ?? process.stderr;
    this.render = { ...render, color: render.color ?? shouldColor(this.stream, env ?? process.env) };
    this.idleTimeoutMillis = Math.min(MAX_TIMER_MILLIS, Math.max(0, numberOr(idleTimeoutMillis, 1000)));
    this.rootGraceMillis = Math.min(MAX_TIMER_MILLIS, Math.max(0, numberOr(rootGraceMillis, 100)));
    this.maxPendingTraces = Math.max(1, numberOr(maxPendingTraces, 1000));
    this.maxSpansPerTrace = Math.max(1, numberOr(maxSpansPerTrace, 1000));
    // Said once here, where the options are given; renderWaterfall, pure, uses the same values.
    for (const line of renderNumbers(render).replaced) this.say(`[@acme/otel] WaterfallExporter ${line}.\n`);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('WaterfallExporter is shut down') });
      return;
    }
    const touched = new Set<string>();
    for (const span of spans) {
      const traceId = span.spanContext().traceId;
      const entry = this.buffer(traceId);
      const parent = span.parentSpanContext;
      const root = !parent || parent.isRemote === true;
      // Roots (the local one, or each span of a remote parent) may take a second `maxSpansPerTrace`:
      // the tree keeps its top, and a trace many requests share still stays bounded.
      if (entry.spans.length < this.maxSpansPerTrace * (root ? 2 : 1))
        entry.spans.push(fromReadableSpan(span));
      else entry.omitted++;
      if (root) entry.rootSeen = true;
      touched.add(traceId);
    }
    for (const traceId of touched) {
      const entry = this.pending.get(traceId);
      if (!entry) continue;
      if (entry.rootSeen && this.rootGraceMillis === 0) this.print(traceId);
      else if (entry.rootSeen) this.arm(traceId, this.rootGraceMillis, false);
      else this.arm(traceId, this.idleTimeoutMillis, true);
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
      entry = { spans: [], timer: undefined, rootSeen: false, graced: false, omitted: 0 };
      this.pending.set(traceId, entry);
    }
    return entry;
  }

  /** `restart`: an idle timer starts over with each span; the root's grace timer does not. */
  private arm(traceId: string, delay: number, restart: boolean): void {
    const entry = this.pending.get(traceId);
    if (!entry || (entry.graced && !restart)) return;
    if (entry.timer) clearTimeout(entry.timer);
    entry.graced = !restart;
    entry.timer = setTimeout(() => this.print(traceId), delay);
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
      const omitted =
        entry.omitted > 0
          ? `  … and ${entry.omitted} more span${entry.omitted === 1 ? '' : 's'} of this trace, not shown (maxSpansPerTrace ${this.maxSpansPerTrace})\n`
          : '';
      this.stream.write(`${renderWaterfall(entry.spans, this.render)}${omitted}\n`);
    } catch {
      // A closed or broken stream must not break the export pipeline.
    }
  }

  private say(line: string): void {
    try {
      this.stream.write(line);
    } catch {
      // As print: a broken stream is no reason to fail.
    }
  }
}

/**
 * `value` when it is a number, else `fallback`: Math.max(1, NaN) is NaN, and `size >= NaN` never
 * holds, so a bound given as NaN (or, from JavaScript, a string that is no number) left the
 * buffer unbounded.
 */
function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && !Number.isNaN(value) ? value : fallback;
}
