import type { Context } from '@opentelemetry/api';
import { log } from '../diag/index.js';
import { printable } from '../util/printable.js';
import { textOf } from '../util/value-text.js';
import { activeSpanContext, ZERO_SPAN_ID, ZERO_TRACE_ID } from './trace-fields.js';

/** Options for {@link formatTextLine}. */
export interface TextLineOptions {
  /** Level shown upper-case after the timestamp. @default 'info' */
  level?: string;
  /** Service name shown after the level; left out when not given. */
  service?: string;
  /**
   * Timestamp: a Date, milliseconds since the epoch (pino's `time`), a preformatted string, or
   * `false` for none. An invalid one shows the current time, with a one-time warning.
   * @default new Date() (ISO 8601)
   */
  timestamp?: Date | number | string | false;
  /** With no active span: `'zeros'` shows all-zero ids, `'omit'` leaves the bracket out. @default 'zeros' */
  whenNoSpan?: 'zeros' | 'omit';
  /** Read this context instead of the active one. */
  context?: Context;
}

/**
 * A plain-text log line correlated with the active span:
 * `2025-01-31T12:00:00.000Z INFO  order-service [trace_id=<32 hex> span_id=<16 hex>] message`.
 * One line per call: line breaks and other control characters in the message (a stack trace, a
 * user's input) are written as escapes (`\n`), and a `[trace_id=` in it as `[trace_id\=`, so
 * that neither a second line nor a second bracket can be forged (see {@link parseTextLine}).
 *
 * @example
 * import { formatTextLine } from '@acme/otel';
 *
 * process.stdout.write(formatTextLine('order created', { level: 'info', service: 'order-service' }) + '\n');
 */
export function formatTextLine(message: string, options: TextLineOptions = {}): string {
  const parts: string[] = [];
  const { timestamp = new Date() } = options;
  if (timestamp !== false)
    parts.push(typeof timestamp === 'string' ? unambiguous(timestamp) : isoTime(timestamp));
  // Not a string (pino's numeric 30, say): shown as text, where `.toUpperCase()` threw.
  parts.push(
    unambiguous(text(options.level ?? 'info'))
      .toUpperCase()
      .padEnd(5),
  );
  if (options.service) parts.push(unambiguous(text(options.service)));
  const spanContext = activeSpanContext(options.context);
  if (spanContext) parts.push(`[trace_id=${spanContext.traceId} span_id=${spanContext.spanId}]`);
  else if (options.whenNoSpan !== 'omit') parts.push(`[trace_id=${ZERO_TRACE_ID} span_id=${ZERO_SPAN_ID}]`);
  parts.push(unambiguous(text(message)));
  return parts.join(' ');
}

const BRACKET = '[trace_id=';

/**
 * Free text in a line: a message with `\n[trace_id=<other ids>] …` wrote a second, forged line,
 * and one with `[trace_id=<other ids>]` (where no bracket of ours comes first: `whenNoSpan:
 * 'omit'`, or in the service name) was read by parseTextLine as the line's ids.
 */
function unambiguous(value: string): string {
  const shown = printable(value);
  return shown.includes(BRACKET) ? shown.replaceAll(BRACKET, '[trace_id\\=') : shown;
}

/**
 * A log call must not throw for its timestamp: an Invalid Date (`new Date(record.time)` of a
 * record without one) threw a RangeError, epoch milliseconds a TypeError.
 */
function isoTime(timestamp: unknown): string {
  const date =
    timestamp instanceof Date ? timestamp : typeof timestamp === 'number' ? new Date(timestamp) : undefined;
  if (date !== undefined && !Number.isNaN(date.getTime())) return date.toISOString();
  log.warnOnce(
    'text/timestamp',
    `formatTextLine: timestamp ${text(timestamp)} is not a valid Date, epoch milliseconds or string; showing the current time instead.`,
  );
  return new Date().toISOString();
}

function text(value: unknown): string {
  return textOf(value, '[a value that could not be shown as text]');
}

/**
 * Parse the ids back out of a line written by {@link formatTextLine} (log pipelines, tests). Only
 * the line's first `[trace_id=` bracket counts, and only on its first line: text after a line
 * break, or a second bracket inside the message, is never taken for the ids.
 *
 * @example
 * import { parseTextLine } from '@acme/otel';
 *
 * parseTextLine('2025-01-31T12:00:00.000Z INFO  [trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7] hi');
 * // { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' }
 */
export function parseTextLine(line: string): { traceId: string; spanId: string } | undefined {
  if (typeof line !== 'string') return undefined;
  const at = line.indexOf(BRACKET);
  const end = line.search(/[\r\n]/);
  if (at === -1 || (end !== -1 && end < at)) return undefined;
  IDS.lastIndex = at;
  const match = IDS.exec(line);
  return match ? { traceId: match[1]!, spanId: match[2]! } : undefined;
}

// Sticky: matches at the first bracket or not at all.
const IDS = /\[trace_id=([0-9a-f]{32}) span_id=([0-9a-f]{16})\]/y;
