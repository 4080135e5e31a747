import type { AttributeValue, SpanContext } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { printable } from '../util/printable.js';
import { SpanAssertionError } from './span-assertion-error.js';

/** A finished or live span: anything with `spanContext()`. */
export type SpanLike = { spanContext(): SpanContext; name?: string };

/** A span name, a name pattern, or a predicate. */
export type SpanMatcher = string | RegExp | ((span: ReadableSpan) => boolean);

type KindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';
type StatusName = 'unset' | 'ok' | 'error';

/** What {@link expectSpan} checks; every field is optional. */
export interface SpanExpectation {
  /** The parent: a finished span's name (or pattern), the span itself, a span context, or `null` for a root span. */
  parent?: string | RegExp | SpanLike | SpanContext | null;
  /** Attributes the span must have (others are ignored). A RegExp matches a string value; `undefined` means absent. */
  attributes?: Record<string, AttributeValue | RegExp | undefined>;
  /** Status code, or code and message. */
  status?: StatusName | SpanStatusCode | { code: StatusName | SpanStatusCode; message?: string | RegExp };
  /** An event the span must have, by name or name and attributes (`'exception'` for recorded errors). */
  event?: string | { name: string; attributes?: Record<string, AttributeValue | RegExp | undefined> };
  /** Span kind. */
  kind?: KindName | SpanKind;
  /** Trace id the span must belong to. */
  traceId?: string;
  /** A span (or span context) the span must link to. */
  linkedTo?: SpanLike | SpanContext;
}

const KINDS: Record<KindName, SpanKind> = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};
const STATUSES: Record<StatusName, SpanStatusCode> = {
  unset: SpanStatusCode.UNSET,
  ok: SpanStatusCode.OK,
  error: SpanStatusCode.ERROR,
};

function nameMatches(span: ReadableSpan, match: SpanMatcher): boolean {
  if (typeof match === 'string') return span.name === match;
  if (match instanceof RegExp) return match.test(span.name);
  return match(span);
}

/**
 * The first span with that name (or matching the pattern or predicate).
 *
 * @example
 * import { findSpan } from '@acme/otel/testing';
 *
 * const load = findSpan(tracing.spans(), 'order.load');
 */
export function findSpan(spans: readonly ReadableSpan[], match: SpanMatcher): ReadableSpan | undefined {
  return spans.find((span) => nameMatches(span, match));
}

function spanContextOf(target: SpanLike | SpanContext): SpanContext {
  return typeof (target as SpanLike).spanContext === 'function'
    ? (target as SpanLike).spanContext()
    : (target as SpanContext);
}

/**
 * The most spans, and the most characters of one value or of one span's attributes, a failure
 * message shows: it listed every span whole, and 1,000 spans of 64 values of 16 KB made a 131 MB
 * message (a few thousand, `RangeError: Invalid string length` in place of the assertion).
 */
const MAX_LISTED = 100;
const MAX_VALUE = 200;
const MAX_ATTRIBUTES = 1000;

/** `text` cut at `max` characters, saying how many more there were. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

function show(value: unknown): string {
  if (value instanceof RegExp) return clip(String(value), MAX_VALUE);
  if (value === undefined) return '(absent)';
  if (typeof value === 'string' && value.length > MAX_VALUE)
    return `${JSON.stringify(value.slice(0, MAX_VALUE))}… (${value.length - MAX_VALUE} more characters)`;
  return clip(JSON.stringify(value), MAX_ATTRIBUTES);
}

/** The first {@link MAX_LISTED} of `items` as lines, then how many more there were. */
function listed<T>(items: readonly T[], line: (item: T) => string[], more: string): string[] {
  const lines = items.slice(0, MAX_LISTED).flatMap(line);
  if (items.length > MAX_LISTED) lines.push(`… and ${items.length - MAX_LISTED} more ${more}`);
  return lines;
}

function valueMatches(
  actual: AttributeValue | undefined,
  expected: AttributeValue | RegExp | undefined,
): boolean {
  if (expected === undefined) return actual === undefined;
  if (expected instanceof RegExp) return typeof actual === 'string' && expected.test(actual);
  return JSON.stringify(actual) === JSON.stringify(expected);
}

function attributeProblems(
  label: string,
  actual: Record<string, AttributeValue | undefined>,
  expected: Record<string, AttributeValue | RegExp | undefined>,
): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(expected)) {
    if (!valueMatches(actual[key], expected[key])) {
      problems.push(
        `${label}[${JSON.stringify(key)}]: expected ${show(expected[key])}, got ${show(actual[key])}`,
      );
    }
  }
  return problems;
}

/** Why `span` does not meet `exp`, one line per mismatch; empty when it does. */
function problemsOf(span: ReadableSpan, exp: SpanExpectation, all: readonly ReadableSpan[]): string[] {
  const problems: string[] = [];
  const parentId = span.parentSpanContext?.spanId;
  if (exp.parent !== undefined) {
    const actualParent = parentId ? all.find((s) => s.spanContext().spanId === parentId) : undefined;
    const got = parentId
      ? actualParent
        ? `${show(actualParent.name)} (${parentId})`
        : `unexported span ${parentId}`
      : 'none (root)';
    if (exp.parent === null) {
      if (parentId) problems.push(`parent: expected none (root), got ${got}`);
    } else if (typeof exp.parent === 'string' || exp.parent instanceof RegExp) {
      if (!actualParent || !nameMatches(actualParent, exp.parent))
        problems.push(`parent: expected ${show(exp.parent)}, got ${got}`);
    } else {
      const want = spanContextOf(exp.parent).spanId;
      if (parentId !== want) problems.push(`parent: expected span ${want}, got ${got}`);
    }
  }
  if (exp.traceId !== undefined && span.spanContext().traceId !== exp.traceId) {
    problems.push(`traceId: expected ${exp.traceId}, got ${span.spanContext().traceId}`);
  }
  if (exp.kind !== undefined) {
    const want = typeof exp.kind === 'string' ? KINDS[exp.kind] : exp.kind;
    if (span.kind !== want) problems.push(`kind: expected ${SpanKind[want]}, got ${SpanKind[span.kind]}`);
  }
  if (exp.status !== undefined) {
    const spec = typeof exp.status === 'object' ? exp.status : { code: exp.status };
    const code = typeof spec.code === 'string' ? STATUSES[spec.code] : spec.code;
    const message = span.status.message;
    const messageOk =
      spec.message === undefined ||
      (spec.message instanceof RegExp ? spec.message.test(message ?? '') : spec.message === message);
    if (span.status.code !== code || !messageOk) {
      const want = `${SpanStatusCode[code]}${spec.message === undefined ? '' : ` ${show(spec.message)}`}`;
      problems.push(`status: expected ${want}, got ${SpanStatusCode[span.status.code]} ${show(message)}`);
    }
  }
  if (exp.attributes !== undefined)
    problems.push(...attributeProblems('attributes', span.attributes, exp.attributes));
  if (exp.event !== undefined) {
    const spec = typeof exp.event === 'string' ? { name: exp.event } : exp.event;
    const named = span.events.filter((e) => e.name === spec.name);
    const ok = named.some(
      (e) => !spec.attributes || attributeProblems('', e.attributes ?? {}, spec.attributes).length === 0,
    );
    if (!ok) {
      const got = span.events.length
        ? listed(
            span.events,
            (e) => [`${show(e.name)} ${clip(JSON.stringify(e.attributes ?? {}), MAX_ATTRIBUTES)}`],
            'events',
          ).join(', ')
        : 'no events';
      problems.push(
        `event: expected ${show(spec.name)}${spec.attributes ? ` with ${show(spec.attributes)}` : ''}, got ${got}`,
      );
    }
  }
  if (exp.linkedTo !== undefined) {
    const want = spanContextOf(exp.linkedTo);
    if (!span.links.some((l) => l.context.spanId === want.spanId && l.context.traceId === want.traceId)) {
      problems.push(
        `links: expected a link to span ${want.spanId}, got ${span.links.map((l) => l.context.spanId).join(', ') || 'no links'}`,
      );
    }
  }
  return problems;
}

function describeSpan(span: ReadableSpan, all: readonly ReadableSpan[]): string {
  const parentId = span.parentSpanContext?.spanId;
  const parent = parentId ? (all.find((s) => s.spanContext().spanId === parentId)?.name ?? parentId) : '-';
  const status =
    SpanStatusCode[span.status.code] + (span.status.message ? ` ${show(span.status.message)}` : '');
  const events = span.events.length
    ? ` events=[${listed(span.events, (e) => [clip(e.name, MAX_VALUE)], 'events').join(', ')}]`
    : '';
  return `${show(span.name)} kind=${SpanKind[span.kind]} parent=${show(parent)} status=${status} trace=${span.spanContext().traceId} attributes=${clip(JSON.stringify(span.attributes), MAX_ATTRIBUTES)}${events}`;
}

/**
 * Assert that a finished span matches the name and every given expectation; returns the span.
 * Otherwise throws a {@link SpanAssertionError} whose message shows what was expected, why each
 * same-named span does not match, and the finished spans (at most 100 of each, long values cut). No
 * test-framework dependency.
 *
 * @example
 * import { expectSpan } from '@acme/otel/testing';
 *
 * expectSpan(tracing.spans(), 'payment.charge', {
 *   parent: 'order.checkout',
 *   kind: 'client',
 *   status: { code: 'error', message: /declined/ },
 *   attributes: { 'payment.currency': 'EUR' },
 *   event: 'exception',
 * });
 */
export function expectSpan(
  spans: readonly ReadableSpan[],
  match: SpanMatcher,
  expectation: SpanExpectation = {},
): ReadableSpan {
  const candidates = spans.filter((span) => nameMatches(span, match));
  const verdicts = candidates.map((span) => ({ span, problems: problemsOf(span, expectation, spans) }));
  const hit = verdicts.find((v) => v.problems.length === 0);
  if (hit) return hit.span;

  const label = typeof match === 'function' ? `matching ${match.name || 'the predicate'}` : show(match);
  const lines = [`expected a finished span ${label}${formatExpectation(expectation)}`];
  if (verdicts.length === 0) {
    lines.push(`  but no finished span is ${label}.`);
  } else {
    lines.push(`  ${verdicts.length} span(s) ${label} differ:`);
    const differ = ({ span, problems }: (typeof verdicts)[number]) => [
      `  - span ${span.spanContext().spanId}:`,
      ...problems.map((problem) => `      ${problem}`),
    ];
    lines.push(...listed(verdicts, differ, 'that differ').map((l) => (l.startsWith('…') ? `  ${l}` : l)));
  }
  lines.push(`  finished spans (${spans.length}):`);
  lines.push(
    ...listed(spans, (span) => [describeSpan(span, spans)], 'finished spans').map((l) => `    ${l}`),
  );
  if (spans.length === 0)
    lines.push('    (none: did the code under test end its spans, and is the pipeline set up?)');
  // Names and values come from the code under test and are printed to a terminal or a CI log: a
  // line break in one (a parent's name is not quoted through JSON) would start a forged line, and
  // JSON leaves U+2028/2029 and the bidirectional overrides, which reorder what is shown.
  throw new SpanAssertionError(lines.map(printable).join('\n'));
}

function formatExpectation(exp: SpanExpectation): string {
  const parts = Object.entries(exp)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      if (
        value !== null &&
        typeof value === 'object' &&
        typeof (value as SpanLike).spanContext === 'function'
      ) {
        const span = value as SpanLike;
        return `${key}=span ${span.name === undefined ? span.spanContext().spanId : JSON.stringify(span.name)}`;
      }
      return `${key}=${value instanceof RegExp ? String(value) : JSON.stringify(value, (_k, v) => (v instanceof RegExp ? String(v) : v))}`;
    });
  return parts.length ? ` with ${parts.join(', ')}` : '';
}
