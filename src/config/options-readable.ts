import { scrubForLog } from '../diag/log.js';
import { errorMessage, TracingConfigError } from '../errors.js';
import { cut } from '../util/quote.js';
import { shownValue } from './shown-value.js';

/**
 * Options whose value is a plain object of settings, read one level down too: their own keys and
 * the ones validation reads (a Proxy may answer those without listing them).
 */
const NESTED: ReadonlyMap<string, readonly string[]> = new Map([
  [
    'batch',
    ['maxQueueSize', 'maxQueueBytes', 'maxExportBatchSize', 'scheduledDelayMillis', 'exportTimeoutMillis'],
  ],
  [
    'spanLimits',
    [
      'attributeCountLimit',
      'attributeValueLengthLimit',
      'eventCountLimit',
      'linkCountLimit',
      'valueCountLimit',
    ],
  ],
  ['redaction', ['keys', 'patterns', 'queryParams', 'dbStatement', 'replacement']],
  ['headers', []],
  ['resourceAttributes', []],
]);

/**
 * Reads every option once (the known ones, inherited too, and every own key), and one level down
 * in the settings objects, before anything uses them. A getter that throws, or a Proxy whose trap
 * throws (or that was revoked), threw its own error out of `initTracing()`, naming no option; it is
 * now a TracingConfigError naming the option (`batch.maxQueueSize`) and what it threw. The options
 * are used as given afterwards: an object whose getters answer is read as it always was.
 */
export function checkReadable(options: unknown, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null) return;
  readAll(options, '', known);
}

function readAll(value: object, path: string, known: readonly string[]): void {
  let keys: string[];
  try {
    if (Array.isArray(value)) return;
    keys = Object.keys(value);
  } catch (error) {
    throw unreadable(path === '' ? 'options' : path, `its keys could not be read (${said(error)})`);
  }
  for (const key of new Set([...known, ...keys])) {
    const name = path === '' ? key : `${path}.${key}`;
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch (error) {
      throw unreadable(name, `reading it threw (${said(error)})`);
    }
    const nested = path === '' ? NESTED.get(key) : undefined;
    if (nested !== undefined && typeof item === 'object' && item !== null) readAll(item, name, nested);
  }
}

/** What was thrown, as a log line would show it (apps log and report this error): scrubbed, cut. */
function said(error: unknown): string {
  return cut(scrubForLog(errorMessage(error)));
}

function unreadable(option: string, allowed: string): TracingConfigError {
  return new TracingConfigError(option, undefined, allowed, '(unreadable)');
}

/**
 * A list option's entries, read once each into a plain array, or `undefined` when it is not an
 * array. Its length is checked against `max` first: a sparse `new Array(2 ** 32 - 1)` (no memory,
 * that length) was walked index by index, and init hung. A revoked Proxy, or a trap that throws
 * on the length or on an entry, is a TracingConfigError naming the option or the entry.
 */
export function readList(option: string, value: unknown, max: number): unknown[] | undefined {
  let length: number;
  try {
    if (!Array.isArray(value)) return undefined;
    length = value.length;
  } catch (error) {
    throw unreadable(option, `it could not be read as a list (${said(error)})`);
  }
  if (length > max)
    throw new TracingConfigError(
      option,
      value,
      `expected at most ${max} entries; it has ${length}`,
      shownValue(option, value),
    );
  const entries: unknown[] = new Array(length);
  for (let i = 0; i < length; i++) {
    try {
      entries[i] = (value as unknown[])[i];
    } catch (error) {
      throw unreadable(`${option}[${i}]`, `reading it threw (${said(error)})`);
    }
  }
  return entries;
}

/**
 * Whether `value` is an object and not an array, for the option `option`; a revoked Proxy (which
 * even Array.isArray cannot look at) is a TracingConfigError naming the option.
 */
export function isObjectOption(option: string, value: unknown): value is Record<string, unknown> {
  try {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch (error) {
    throw unreadable(option, `it could not be read (${said(error)})`);
  }
}

/** `value[key]`, read to validate it: a getter or a trap that throws is a TracingConfigError naming `option.key`. */
export function readMember(option: string, value: Record<string, unknown>, key: string): unknown {
  try {
    return value[key];
  } catch (error) {
    throw unreadable(`${option}.${key}`, `reading it threw (${said(error)})`);
  }
}
