import type { Context, SpanContext } from '@opentelemetry/api';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { log } from '../diag/index.js';
import { formatValue } from '../errors.js';
import { quoted } from '../util/quote.js';

/** Names of the correlation fields. `false` leaves a field out. */
export interface TraceFieldKeys {
  /** @default 'trace_id' */
  traceId?: string;
  /** @default 'span_id' */
  spanId?: string;
  /** @default 'trace_flags' */
  traceFlags?: string | false;
}

/** Options for {@link traceFields} and the logger integrations built on it. */
export interface TraceFieldsOptions {
  /** Field names, e.g. `{ traceId: 'dd.trace_id', spanId: 'dd.span_id' }`. Same defaults as the OpenTelemetry pino/winston instrumentations. */
  keys?: TraceFieldKeys;
  /** With no valid active span: `'zeros'` writes all-zero ids (and flags `00`), `'omit'` writes nothing. @default 'zeros' */
  whenNoSpan?: 'zeros' | 'omit';
  /** Read this context instead of the active one. */
  context?: Context;
}

/** The default field set. */
export type DefaultTraceFields = {
  trace_id: string;
  span_id: string;
  trace_flags: string;
};

export const ZERO_TRACE_ID = '00000000000000000000000000000000';
export const ZERO_SPAN_ID = '0000000000000000';

/** Options resolved once, so per-log-line work is a lookup and three property writes. */
export interface ResolvedFieldKeys {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: string | false;
  readonly omitWhenNoSpan: boolean;
}

export function resolveFieldKeys(options: TraceFieldsOptions = {}): ResolvedFieldKeys {
  if (options.whenNoSpan !== undefined && options.whenNoSpan !== 'zeros' && options.whenNoSpan !== 'omit') {
    throw new TypeError(
      `[@acme/otel] invalid option whenNoSpan=${formatValue(options.whenNoSpan)}: expected 'zeros' or 'omit'`,
    );
  }
  const traceId = fieldName('traceId', options.keys?.traceId ?? 'trace_id');
  const spanId = fieldName('spanId', options.keys?.spanId ?? 'span_id');
  const flags = options.keys?.traceFlags ?? 'trace_flags';
  const traceFlags = flags === false ? false : fieldName('traceFlags', flags);
  // Two fields under one name: the second was skipped as "already set", and its id never written.
  const names: [string, string][] = [
    ['traceId', traceId],
    ['spanId', spanId],
  ];
  if (traceFlags !== false) names.push(['traceFlags', traceFlags]);
  for (let i = 1; i < names.length; i++) {
    const [field, name] = names[i]!;
    const twin = names.slice(0, i).find(([, other]) => other === name);
    if (twin) {
      throw new TypeError(
        `[@acme/otel] invalid option keys.${field}=${quoted(name)}: keys.${twin[0]} has that name already; each field needs its own`,
      );
    }
  }
  return { traceId, spanId, traceFlags, omitWhenNoSpan: options.whenNoSpan === 'omit' };
}

function fieldName(field: string, name: unknown): string {
  // `record.__proto__` is the prototype, never undefined: the field was skipped as already set.
  if (name === '__proto__') {
    throw new TypeError(
      `[@acme/otel] invalid option keys.${field}="__proto__": a log record cannot have a field of that name`,
    );
  }
  if (typeof name === 'string' && name !== '') return name;
  throw new TypeError(
    `[@acme/otel] invalid option keys.${field}=${formatValue(name)}: expected a non-empty string${field === 'traceFlags' ? ' or false' : ''}`,
  );
}

/** The valid span context of `ctx`, or undefined. */
export function activeSpanContext(ctx: Context = context.active()): SpanContext | undefined {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext && isSpanContextValid(spanContext) ? spanContext : undefined;
}

export function flagsHex(flags: number): string {
  return (flags & 0xff).toString(16).padStart(2, '0');
}

/** Write the fields into `target` (skipping keys it already has); returns `target`. */
export function writeFields<T extends Record<string, unknown>>(
  target: T,
  keys: ResolvedFieldKeys,
  spanContext: SpanContext | undefined,
): T {
  if (spanContext === undefined && keys.omitWhenNoSpan) return target;
  const record = target as Record<string, unknown>;
  if (record[keys.traceId] === undefined) record[keys.traceId] = spanContext?.traceId ?? ZERO_TRACE_ID;
  if (record[keys.spanId] === undefined) record[keys.spanId] = spanContext?.spanId ?? ZERO_SPAN_ID;
  if (keys.traceFlags !== false && record[keys.traceFlags] === undefined) {
    record[keys.traceFlags] = spanContext ? flagsHex(spanContext.traceFlags) : '00';
  }
  return target;
}

/** Where a log call's own value for one of our fields is kept: `trace_id_from_call`. */
export const FROM_CALL = '_from_call';

/**
 * Our fields for a record that already holds the log call's fields: with a valid span, the span's
 * ids are written whatever the call passed (`logger.info(req.query)` with `?trace_id=<another
 * trace>` pointed the line at that trace), and a different value of the call's is kept under
 * `<name>_from_call`, said once. With no span, only the fields the call left out are written.
 */
export function claimFields(
  record: Record<string, unknown>,
  keys: ResolvedFieldKeys,
  spanContext: SpanContext | undefined,
): void {
  if (spanContext === undefined) {
    writeFields(record, keys, spanContext);
    return;
  }
  claim(record, keys.traceId, spanContext.traceId);
  claim(record, keys.spanId, spanContext.spanId);
  if (keys.traceFlags !== false) claim(record, keys.traceFlags, flagsHex(spanContext.traceFlags));
}

function claim(record: Record<string, unknown>, key: string, ours: string): void {
  const theirs = record[key];
  if (theirs !== undefined && theirs !== ours) keepFromCall(record, key, theirs);
  record[key] = ours;
}

/** Keeps a log call's value of one of our fields under `<key>_from_call`, said once. */
export function keepFromCall(record: Record<string, unknown>, key: string, value: unknown): void {
  record[key + FROM_CALL] = value;
  log.warnOnce(
    `log-correlation/from-call:${key}`,
    `a log call passed its own "${key}" while a span was active; the span's is written, the call's kept as "${key}${FROM_CALL}" (logged once per field name)`,
    'log call fields',
  );
}

/**
 * Correlation fields for the active span: `{ trace_id, span_id, trace_flags }` as 32/16
 * lowercase hex digits and two hex digits. With no span, all-zero ids (or `{}` with
 * `whenNoSpan: 'omit'`). Field names are configurable.
 *
 * @example
 * import { traceFields, withSpan } from '@acme/otel';
 *
 * withSpan('order.create', () => console.log(JSON.stringify({ ...traceFields(), msg: 'order created' })));
 * // { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7', trace_flags: '01', ... }
 *
 * traceFields({ keys: { traceId: 'dd.trace_id', spanId: 'dd.span_id', traceFlags: false } });
 */
export function traceFields(options?: Omit<TraceFieldsOptions, 'keys' | 'whenNoSpan'>): DefaultTraceFields;
export function traceFields(options: TraceFieldsOptions): Record<string, string>;
export function traceFields(options: TraceFieldsOptions = {}): Record<string, string> {
  return writeFields({}, resolveFieldKeys(options), activeSpanContext(options.context));
}
