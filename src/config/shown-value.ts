import { scrubForLog, scrubUrlForLog } from '../diag/log.js';
import { formatValue } from '../errors.js';
import { maskedUserinfo } from './env.js';

/**
 * How an invalid option's value appears in its TracingConfigError's message, which apps log and
 * crash reporters send on: as the log lines' scrubber leaves it (a `password` or a bearer token in
 * an object under a misspelt option), an endpoint without its userinfo and secret query
 * parameters, and a header's value never (a header is a credential more often than not). It quoted
 * `endpoint="http://user:pw@…"` and a whole `{ authorization: 'Bearer …' }` before. The error's
 * `value` is still the value given.
 */
export function shownValue(option: string, value: unknown): string {
  if (option === 'headers' || option.startsWith('headers.')) return `[REDACTED] (${kindOf(value)})`;
  const given =
    option === 'endpoint' && typeof value === 'string' ? scrubUrlForLog(maskedUserinfo(value)) : value;
  return scrubForLog(formatValue(given, scrubForLog));
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}
