import { type ExportResult, ExportResultCode, hrTimeToMicroseconds } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { lazyRequire } from '../util/index.js';
import { printableInspected } from '../util/printable.js';
import { shouldColor } from '../waterfall/format.js';

/**
 * `exporter: 'console'`: each span as upstream's ConsoleSpanExporter prints it (the same fields,
 * util.inspect at depth 3), written so that nothing in it acts on the terminal. Upstream hands the
 * span to `console.dir`, whose util.inspect escapes control characters (ESC, `\r`) but not the
 * bidirectional overrides: a span name holding U+202E showed reversed text in the terminal. Colours
 * as the waterfall chooses them (a terminal, `NO_COLOR`, `FORCE_COLOR`).
 */
export class ConsoleSpanExporter implements SpanExporter {
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const { inspect } = lazyRequire('node:util') as typeof import('node:util');
    const colors = shouldColor(process.stdout, process.env);
    for (const span of spans) {
      console.log('%s', printableInspected(inspect(exportInfo(span), { depth: 3, colors })));
    }
    done({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** Upstream's `_exportInfo` (sdk-trace ConsoleSpanExporter). */
function exportInfo(span: ReadableSpan): Record<string, unknown> {
  return {
    resource: { attributes: span.resource.attributes },
    instrumentationScope: span.instrumentationScope,
    traceId: span.spanContext().traceId,
    parentSpanContext: span.parentSpanContext,
    traceState: span.spanContext().traceState?.serialize(),
    name: span.name,
    id: span.spanContext().spanId,
    kind: span.kind,
    timestamp: hrTimeToMicroseconds(span.startTime),
    duration: hrTimeToMicroseconds(span.duration),
    attributes: span.attributes,
    status: span.status,
    events: span.events,
    links: span.links,
  };
}
