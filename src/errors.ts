import { MAX_QUOTED, quoted } from './util/quote.js';

/**
 * Thrown by {@link initTracing} when an option passed in code is invalid.
 * Environment variables never throw: they warn once and fall back.
 *
 * @example
 * try { initTracing({ sampleRatio: 2 }) } catch (err) { if (isTracingConfigError(err)) console.error(err.option) }
 */
export class TracingConfigError extends Error {
  override name = 'TracingConfigError';
  /** The option path, e.g. `sampleRatio` or `batch.maxQueueSize`. */
  readonly option: string;
  /** The value that was given. */
  readonly value: unknown;

  /** `shown`: the value as the message quotes it, when not {@link formatValue}'s (a scrubbed one). */
  constructor(option: string, value: unknown, allowed: string, shown = formatValue(value)) {
    super(`[@acme/otel] invalid option ${option}=${shown}: ${allowed}`);
    this.option = option;
    this.value = value;
  }
}

/**
 * Type guard for {@link TracingConfigError}, safe across duplicated package copies. Never throws
 * (it runs in catch blocks): a revoked Proxy, or an error whose `name` getter throws, is not one.
 */
export function isTracingConfigError(error: unknown): error is TracingConfigError {
  try {
    return (
      error instanceof TracingConfigError || (error instanceof Error && error.name === 'TracingConfigError')
    );
  } catch {
    return false;
  }
}

/** An error's message for a log line; never throws, whatever was thrown. */
export function errorMessage(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unprintable error';
  }
}

/**
 * A given value as an error or a warning quotes it: JSON-like, at most {@link MAX_QUOTED}
 * characters, built without walking more of it than it shows (a 100,000-key object or a 100 KB
 * string was stringified whole into the message), never throwing (a getter or a Proxy trap that
 * throws, a cycle, a BigInt). Numbers as written (`NaN`, not JSON's `null`).
 */
export function formatValue(value: unknown, scrub: (text: string) => string = same): string {
  const out = { text: '', scrub };
  try {
    preview(value, out, 0);
  } catch {
    return out.text === '' ? `[unprintable ${typeof value}]` : `${out.text}…`;
  }
  // Bounded without a cut here: a string is cut where it is quoted, and no entry is added past MAX_QUOTED.
  return out.text;
}

/** Deepest nesting shown, and the most entries of one object or array. */
const MAX_DEPTH = 3;
const MAX_ENTRIES = 20;

const same = (text: string): string => text;

function preview(
  value: unknown,
  out: { text: string; scrub: (text: string) => string },
  depth: number,
): void {
  if (out.text.length > MAX_QUOTED) return;
  if (typeof value === 'string') {
    // Scrubbed whole before the cut, so that no half secret escapes.
    out.text += quoted(out.scrub(value));
    return;
  }
  if (typeof value === 'function') {
    out.text += `[function ${value.name || 'anonymous'}]`;
    return;
  }
  if (typeof value !== 'object' || value === null) {
    out.text += String(value);
    return;
  }
  if (value instanceof RegExp || value instanceof Date || value instanceof URL) {
    out.text += value instanceof RegExp ? String(value) : JSON.stringify(value);
    return;
  }
  if (value instanceof Error) {
    out.text += `[${value.name}: ${quoted(String(value.message))}]`;
    return;
  }
  const array = Array.isArray(value);
  if (depth >= MAX_DEPTH) {
    out.text += array ? '[…]' : '{…}';
    return;
  }
  const keys = array ? undefined : Object.keys(value);
  const count = array ? (value as unknown[]).length : keys!.length;
  out.text += array ? '[' : '{';
  for (let i = 0; i < count && i < MAX_ENTRIES && out.text.length <= MAX_QUOTED; i++) {
    if (i > 0) out.text += ',';
    if (keys !== undefined) out.text += `${quoted(keys[i]!)}:`;
    preview(array ? (value as unknown[])[i] : (value as Record<string, unknown>)[keys![i]!], out, depth + 1);
  }
  if (count > MAX_ENTRIES && out.text.length <= MAX_QUOTED) out.text += `,… ${count - MAX_ENTRIES} more`;
  out.text += array ? ']' : '}';
}
