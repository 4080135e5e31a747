/** One event on a span, as the waterfall shows it. */
export interface WaterfallEvent {
  readonly name: string;
  /** Epoch milliseconds. */
  readonly timeMs?: number | undefined;
  readonly attributes?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The span shape the waterfall renders: plain data, so spans from the SDK
 * ({@link fromReadableSpan}), from an OTLP receiver ({@link fromOtlpSpan}) or from a test fixture all work.
 */
export interface WaterfallSpan {
  /** 32 lowercase hex digits. */
  readonly traceId: string;
  /** 16 lowercase hex digits. */
  readonly spanId: string;
  /** Absent (or not in the same batch) for a root span. */
  readonly parentSpanId?: string | undefined;
  readonly name: string;
  /** `service.name` of the resource that produced the span. */
  readonly serviceName?: string | undefined;
  /** Epoch milliseconds (fractions allowed). */
  readonly startTimeMs: number;
  /** Epoch milliseconds (fractions allowed). */
  readonly endTimeMs: number;
  /** 0 unset, 1 ok, 2 error (the `SpanStatusCode` values of `@opentelemetry/api`). */
  readonly status?: { readonly code: number; readonly message?: string | undefined } | undefined;
  readonly attributes?: Readonly<Record<string, unknown>> | undefined;
  readonly events?: readonly WaterfallEvent[] | undefined;
}

/** Options for {@link renderWaterfall}. */
export interface WaterfallOptions {
  /** ANSI colours (ERROR in red, service names dimmed). The exporter turns it on for a TTY unless `NO_COLOR` is set. @default false */
  color?: boolean;
  /**
   * Width of the duration bar, in characters: 10 to 1,000 (a bar is built for every row, so a width
   * past it is cut to it); a value that is no number gets the default. @default 40
   */
  barWidth?: number;
  /** Longest span-name column (tree indentation included), at least 10; longer names are cut with `…`. @default 50 */
  maxNameWidth?: number;
  /** Attribute keys shown after the status, in this order. @default DEFAULT_WATERFALL_ATTRIBUTES */
  attributes?: readonly string[];
  /** Longest attribute value shown, at least 1; longer values are cut with `…`. @default 48 */
  maxValueLength?: number;
}
