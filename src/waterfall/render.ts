import { printable } from '../util/printable.js';
import { formatDuration, formatValue, painter, renderBar, truncate } from './format.js';
import { renderNumbers } from './options.js';
import type { WaterfallOptions, WaterfallSpan } from './types.js';

/** Attribute keys the waterfall shows by default, in display order (old and stable semantic conventions). */
export const DEFAULT_WATERFALL_ATTRIBUTES: readonly string[] = Object.freeze([
  'http.route',
  'http.status_code',
  'http.response.status_code',
  'db.system',
  'db.system.name',
  'db.operation',
  'db.operation.name',
  'db.sql.table',
  'db.collection.name',
  'cache.key',
  'cache.hit',
  'messaging.system',
  'messaging.destination.name',
  'rpc.service',
  'rpc.method',
  'order.id',
  'customer.id',
  'order.item_count',
  'inventory.all_available',
  'user.id',
  'payment.amount',
  'payment.currency',
  'payment.transaction_id',
  'fraud.detected',
  'error.type',
]);

const STATUS_ERROR = 2;
const STATUS_OK = 1;

interface Row {
  span: WaterfallSpan;
  prefix: string;
}

/**
 * Render spans as terminal waterfalls, one block per trace: each row shows the service, the span
 * name indented under its parent, its offset from the trace start, a duration bar scaled to the
 * trace, the duration, the status and the key attributes, exceptions (`✖`) and events (`◆`).
 * Spans whose parent is not in `spans` are drawn as roots. Pure: the same input gives the same text.
 * Number options out of their range are brought within it (see {@link WaterfallOptions}).
 *
 * @example
 * process.stderr.write(renderWaterfall(spans.map(fromReadableSpan), { color: true }));
 */
export function renderWaterfall(spans: readonly WaterfallSpan[], options: WaterfallOptions = {}): string {
  const byTrace = new Map<string, WaterfallSpan[]>();
  for (const span of spans) {
    const list = byTrace.get(span.traceId);
    if (list) list.push(span);
    else byTrace.set(span.traceId, [span]);
  }
  const traces = [...byTrace.values()].sort((a, b) => earliest(a) - earliest(b));
  return traces.map((trace) => renderTrace(trace, options)).join('\n');
}

function renderTrace(spans: WaterfallSpan[], options: WaterfallOptions): string {
  const paint = painter(options.color ?? false);
  const { barWidth, maxNameWidth, maxValueLength: maxValue } = renderNumbers(options);
  const keys = options.attributes ?? DEFAULT_WATERFALL_ATTRIBUTES;

  const start = earliest(spans);
  const end = spans.reduce((max, s) => Math.max(max, s.endTimeMs), start);
  const total = Math.max(0, end - start);
  const rows = orderAsTree(spans);

  const services = [...new Set(spans.map(serviceOf))];
  const errors = spans.filter((s) => s.status?.code === STATUS_ERROR).length;
  // Loops, not Math.max(...list): a spread of some 100,000 arguments throws RangeError.
  let serviceWidth = 7;
  for (const s of services) serviceWidth = Math.max(serviceWidth, s.length);
  let nameWidth = 4;
  for (const r of rows) {
    if (nameWidth >= maxNameWidth) break;
    nameWidth = Math.max(nameWidth, r.prefix.length + printable(r.span.name).length);
  }
  nameWidth = Math.min(maxNameWidth, nameWidth);

  const summary = [
    `${spans.length} span${spans.length === 1 ? '' : 's'}`,
    `${services.length} service${services.length === 1 ? '' : 's'}`,
    formatDuration(total),
  ];
  if (errors > 0) summary.push(paint('red', `${errors} error${errors === 1 ? '' : 's'}`));
  const lines = [
    `${paint('bold', `trace ${printable(String(spans[0]?.traceId ?? ''))}`)}  ${summary.join(' · ')}`,
  ];

  const totalLabel = formatDuration(total);
  const axis = `0 ms${' '.repeat(Math.max(1, barWidth - 4 - totalLabel.length))}${totalLabel}`;
  lines.push(
    paint(
      'dim',
      `${'service'.padEnd(serviceWidth)}  ${'span'.padEnd(nameWidth)}  ${'offset'.padStart(10)}  ${` ${axis.padEnd(barWidth)} `}  ${'duration'.padStart(9)}  status`,
    ),
  );

  for (const { span, prefix } of rows) {
    const name = truncate(prefix + span.name, nameWidth).padEnd(nameWidth);
    const offset = `+${formatDuration(span.startTimeMs - start)}`.padStart(10);
    const duration = Math.max(0, span.endTimeMs - span.startTimeMs);
    const isError = span.status?.code === STATUS_ERROR;
    const bar = renderBar(span.startTimeMs - start, duration, total, barWidth);
    const status = isError ? paint('red', 'ERROR') : span.status?.code === STATUS_OK ? 'OK   ' : '     ';
    const details = describe(span, keys, maxValue, paint);
    const line = [
      paint('cyan', serviceOf(span).padEnd(serviceWidth)),
      isError ? paint('red', name) : name,
      offset,
      `│${isError ? paint('red', bar) : bar}│`,
      formatDuration(duration).padStart(9),
      status,
      details,
    ].join('  ');
    lines.push(line.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

function describe(
  span: WaterfallSpan,
  keys: readonly string[],
  maxValue: number,
  paint: ReturnType<typeof painter>,
): string {
  const parts: string[] = [];
  const attributes = span.attributes ?? {};
  for (const key of keys) {
    const value = attributes[key];
    if (value !== undefined && value !== null) parts.push(`${key}=${formatValue(value, maxValue)}`);
  }
  const exceptionMessages = new Set<string>();
  for (const event of span.events ?? []) {
    if (event.name === 'exception') {
      const type = event.attributes?.['exception.type'];
      const message = event.attributes?.['exception.message'];
      if (typeof message === 'string') exceptionMessages.add(message);
      const text = [type, message]
        .filter((v) => v !== undefined && v !== '')
        .map((v) => (typeof v === 'string' ? v : formatValue(v, maxValue + 20)))
        .join(': ');
      parts.push(paint('red', `✖ ${truncate(text || 'exception', maxValue + 20)}`));
    } else {
      parts.push(paint('yellow', `◆ ${truncate(event.name, maxValue + 20)}`));
    }
  }
  const message = span.status?.message;
  if (span.status?.code === STATUS_ERROR && message && !exceptionMessages.has(message)) {
    parts.push(paint('red', `error=${formatValue(message, maxValue)}`));
  }
  return parts.join(' ');
}

/** Depth-first order with tree-drawing prefixes; children sorted by start time. */
function orderAsTree(spans: WaterfallSpan[]): Row[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, WaterfallSpan[]>();
  const roots: WaterfallSpan[] = [];
  for (const span of spans) {
    const parent = span.parentSpanId;
    if (parent && parent !== span.spanId && ids.has(parent)) {
      const list = children.get(parent);
      if (list) list.push(span);
      else children.set(parent, [span]);
    } else {
      roots.push(span);
    }
  }
  const rows: Row[] = [];
  const seen = new Set<string>();
  const visit = (span: WaterfallSpan, prefix: string, childIndent: string): void => {
    if (seen.has(span.spanId)) return; // a malformed parent cycle must not loop forever
    seen.add(span.spanId);
    rows.push({ span, prefix });
    const kids = (children.get(span.spanId) ?? []).sort(byStart);
    kids.forEach((kid, i) => {
      const last = i === kids.length - 1;
      visit(kid, `${childIndent}${last ? '└ ' : '├ '}`, `${childIndent}${last ? '  ' : '│ '}`);
    });
  };
  for (const root of roots.sort(byStart)) visit(root, '', '');
  // Spans caught in a parent cycle have no root; show them rather than lose them.
  for (const span of spans.sort(byStart)) if (!seen.has(span.spanId)) visit(span, '', '');
  return rows;
}

// SDK start times have millisecond resolution, so siblings often tie: the one that ended first
// most likely started first.
function byStart(a: WaterfallSpan, b: WaterfallSpan): number {
  return (
    a.startTimeMs - b.startTimeMs ||
    a.endTimeMs - b.endTimeMs ||
    (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0)
  );
}

function earliest(spans: readonly WaterfallSpan[]): number {
  return spans.reduce((min, s) => Math.min(min, s.startTimeMs), Number.POSITIVE_INFINITY);
}

/** The service column: at most this many characters. */
const SERVICE_WIDTH = 32;

function serviceOf(span: WaterfallSpan): string {
  return truncate(span.serviceName ?? 'unknown', SERVICE_WIDTH);
}
