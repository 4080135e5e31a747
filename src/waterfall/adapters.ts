import type { HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { WaterfallEvent, WaterfallSpan } from './types.js';

function hrToMs(time: HrTime): number {
  return time[0] * 1e3 + time[1] / 1e6;
}

/** Convert a finished SDK span (what a `SpanExporter` receives) for {@link renderWaterfall}. */
export function fromReadableSpan(span: ReadableSpan): WaterfallSpan {
  const context = span.spanContext();
  const service = span.resource.attributes['service.name'];
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    serviceName: typeof service === 'string' ? service : undefined,
    startTimeMs: hrToMs(span.startTime),
    endTimeMs: hrToMs(span.endTime),
    status: { code: span.status.code, message: span.status.message },
    attributes: span.attributes,
    events: span.events.map((event) => ({
      name: event.name,
      timeMs: hrToMs(event.time),
      attributes: event.attributes,
    })),
  };
}

/** A span as an OTLP receiver decodes it (proto field names, times as nanoseconds). */
export interface OtlpSpanLike {
  traceId: string;
  spanId: string;
  parentSpanId?: string | undefined;
  name: string;
  startTimeUnixNano: bigint | number | string;
  endTimeUnixNano: bigint | number | string;
  attributes?: Readonly<Record<string, unknown>> | undefined;
  events?:
    | readonly {
        name: string;
        timeUnixNano?: bigint | number | string;
        attributes?: Readonly<Record<string, unknown>>;
      }[]
    | undefined;
  status?: { code?: number | string | undefined; message?: string | undefined } | undefined;
  /** Either the resource attributes themselves or `{ attributes }`. */
  resource?: Readonly<Record<string, unknown>> | undefined;
}

function nanosToMs(value: bigint | number | string | undefined): number {
  if (value === undefined) return 0;
  try {
    // Whole microseconds through BigInt keep sub-millisecond precision for epoch-scale nanoseconds.
    const nanos =
      typeof value === 'bigint' ? value : BigInt(typeof value === 'number' ? Math.trunc(value) : value);
    return Number(nanos / 1000n) / 1000;
  } catch {
    // No whole number (`"1.7e18"`, `"soon"`, Infinity, NaN): BigInt() threw, and one such span
    // stopped the whole render. As a plain number, else 0.
    const nanos = Number(value);
    return Number.isFinite(nanos) ? nanos / 1e6 : 0;
  }
}

const STATUS_NAMES: Record<string, number> = {
  UNSET: 0,
  OK: 1,
  ERROR: 2,
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

function statusCode(code: number | string | undefined): number {
  if (typeof code === 'number') return code;
  if (typeof code === 'string') return STATUS_NAMES[code] ?? (Number(code) || 0);
  return 0;
}

/** Convert a span decoded from OTLP (e.g. by a test receiver or a collector's file export) for {@link renderWaterfall}. */
export function fromOtlpSpan(span: OtlpSpanLike): WaterfallSpan {
  const resource = span.resource ?? {};
  const nested = resource.attributes;
  const resourceAttributes =
    nested !== null && typeof nested === 'object' && !Array.isArray(nested)
      ? (nested as Record<string, unknown>)
      : resource;
  const service = resourceAttributes['service.name'];
  const events: WaterfallEvent[] = (span.events ?? []).map((event) => ({
    name: event.name,
    timeMs: nanosToMs(event.timeUnixNano),
    attributes: event.attributes,
  }));
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId || undefined,
    name: span.name,
    serviceName: typeof service === 'string' ? service : undefined,
    startTimeMs: nanosToMs(span.startTimeUnixNano),
    endTimeMs: nanosToMs(span.endTimeUnixNano),
    status: { code: statusCode(span.status?.code), message: span.status?.message || undefined },
    attributes: span.attributes,
    events,
  };
}
