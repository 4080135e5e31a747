import { warnEnv, warnEnvEach } from '../diag/env-warning.js';
import { decodeComponent } from '../util/percent-decode.js';
import { cut, quoted } from '../util/quote.js';

/** The environment as a plain object; tests pass their own instead of mutating `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * One line for a list variable naming entries we do not know: they are dropped, and `used` is
 * what is used instead (the known entries, or the default when none is left).
 */
export function warnUnknownEntries(
  env: Env,
  name: string,
  entries: readonly string[],
  unknown: readonly string[],
  known: readonly string[],
  used: string,
): void {
  const list = unknown.map((u) => quoted(u)).join(', ');
  const verb = unknown.length > 1 ? 'are not' : 'is not';
  const kept = unknown.length < entries.length;
  warnEnv(
    name,
    envString(env, name) ?? '',
    `${list} ${verb} one of ${known.join(', ')}`,
    `${kept ? 'using' : 'defaulting to'} ${used}`,
  );
}

/** A trimmed value; blank counts as unset, as the specification says. */
export function envString(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const value = raw.trim();
  return value === '' ? undefined : value;
}

/** `true`/`false`, case-insensitive. Anything else warns and counts as unset. */
export function envBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = envString(env, name);
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  warnEnv(name, value, 'it is not "true" or "false"', `defaulting to ${fallback}`);
  return fallback;
}

export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

/** A number within `rule`; anything else warns (naming `fallback`, the value used instead) and yields `undefined`. */
export function envNumber(env: Env, name: string, rule: NumberRule, fallback: string): number | undefined {
  const value = envString(env, name);
  if (value === undefined) return undefined;
  const checked = checkNumber(value, rule);
  if (typeof checked === 'number') return checked;
  warnEnv(name, value, checked, `defaulting to ${fallback}`);
  return undefined;
}

/** The number in `value`, or why it is not one within `rule`. */
function checkNumber(value: string, rule: NumberRule): number | string {
  const n = Number(value);
  if (!Number.isFinite(n)) return 'it is not a number';
  if (rule.integer && !Number.isInteger(n)) return 'it is not a whole number';
  if ((rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max)) {
    return `it is out of range ([${rule.min ?? '-∞'}..${rule.max ?? '∞'}])`;
  }
  return n;
}

/**
 * A comma-separated list, entries trimmed, blanks dropped. Past `max` entries, the first `max` are
 * used, said once (`noun`: what the entries are, for that line); the rest is only counted.
 */
export function envList(
  env: Env,
  name: string,
  max = Number.POSITIVE_INFINITY,
  noun = 'entries',
): string[] | undefined {
  const value = envString(env, name);
  if (value === undefined) return undefined;
  const out: string[] = [];
  let from = 0;
  while (from <= value.length) {
    const comma = value.indexOf(',', from);
    const end = comma === -1 ? value.length : comma;
    const entry = value.slice(from, end).trim();
    if (entry !== '') {
      if (out.length === max) {
        const total =
          out.length +
          value
            .slice(from)
            .split(',')
            .filter((s) => s.trim() !== '').length;
        warnEnv(name, value, `it lists more than ${max} ${noun} (${total})`, `using the first ${max}`);
        break;
      }
      out.push(entry);
    }
    from = end + 1;
  }
  return out;
}

/**
 * `key1=value1,key2=value2` with percent-encoded keys and values, as `OTEL_RESOURCE_ATTRIBUTES` and
 * `OTEL_EXPORTER_OTLP_HEADERS` use. A malformed pair is skipped with a warning; the rest is kept.
 * `secretValues` (the headers: `authorization=Bearer …`, `x-honeycomb-team=…`): the warning shows
 * the keys only, every value and every entry without a key as `[REDACTED]`, and names a bad entry
 * by its position.
 */
export function envKeyValues(
  env: Env,
  name: string,
  secretValues = false,
): Record<string, string> | undefined {
  const value = envString(env, name);
  if (value === undefined) return undefined;
  const out: Record<string, string> = {};
  // Every bad entry is named, in one line (a second one used to be silently dropped).
  const problems: [string, string][] = [];
  const pairs = value.split(',');
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq > 0 ? pair.slice(0, eq).trim() : '';
    if (rawKey === '') {
      const entry = secretValues ? `entry ${i + 1} (${maskedPair(pair)})` : `entry ${quoted(pair)}`;
      problems.push([`the ${entry} is not key=value`, 'ignoring that entry']);
      continue;
    }
    // Keys are percent-encoded too (`,` and `=` in a key must be), and decoded as upstream does:
    // `deployment%2Eenvironment%2Ename=prod` was kept as that literal key, without a word.
    // decodeComponent, not decodeURIComponent: no throw (~5 µs and a stack) for each bad entry.
    let key = decodeComponent(rawKey);
    if (key === undefined) {
      problems.push([`the key ${cut(rawKey)} is not valid percent-encoding`, 'using it undecoded']);
      key = rawKey;
    }
    const rawValue = pair.slice(eq + 1).trim();
    const decoded = decodeComponent(rawValue);
    if (decoded === undefined)
      problems.push([`the value of ${cut(key)} is not valid percent-encoding`, 'using it undecoded']);
    out[key] = decoded ?? rawValue;
  }
  warnEnvEach(name, secretValues ? pairs.map(maskedPair).join(',') : value, problems);
  return out;
}

/** `key=[REDACTED]`; an entry without a key is shown as `[REDACTED]` whole (it may be a bare token). */
function maskedPair(pair: string): string {
  if (pair.trim() === '') return pair;
  const eq = pair.indexOf('=');
  return eq > 0 && pair.slice(0, eq).trim() !== '' ? `${pair.slice(0, eq)}=[REDACTED]` : '[REDACTED]';
}

/** What a parser makes of one value: the value to use, or why it cannot be used (or both: a substitute). */
export type Parsed<T> = { value: T; problem?: string } | { value?: undefined; problem: string };

/**
 * The first of `names` whose value parses, else `fallback`, as upstream falls through the
 * signal-specific variable to the general one. Each bad value warns once and names the value
 * really used instead: a later variable's, or the default.
 */
export function firstValid<T>(
  env: Env,
  names: readonly string[],
  parse: (value: string, name: string) => Parsed<T>,
  fallback: T,
  show: (value: T) => string = String,
  /** How a bad value is quoted (an endpoint's userinfo is masked: {@link maskedUserinfo}). */
  quote: (raw: string) => string = (raw) => raw,
): T {
  const bad: { name: string; value: string; problem: string; substitute?: T }[] = [];
  let chosen: { name: string; value: T } | undefined;
  for (const name of names) {
    const value = envString(env, name);
    if (value === undefined) continue;
    const parsed = parse(value, name);
    if (parsed.problem !== undefined) {
      bad.push({
        name,
        value,
        problem: parsed.problem,
        ...(parsed.value !== undefined ? { substitute: parsed.value } : {}),
      });
      // A substitute (http/json → http/protobuf) is used like a valid value.
      if (parsed.value !== undefined && chosen === undefined) chosen = { name, value: parsed.value };
    } else if (chosen === undefined) chosen = { name, value: parsed.value as T };
  }
  for (const { name, value, problem, substitute } of bad) {
    const used =
      substitute !== undefined && chosen?.name === name
        ? show(substitute)
        : chosen === undefined
          ? show(fallback)
          : `${show(chosen.value)} (from ${chosen.name})`;
    warnEnv(name, quote(value), problem, `defaulting to ${used}`);
  }
  return chosen === undefined ? fallback : chosen.value;
}

/** {@link firstValid} for numbers within `rule`. */
export function firstNumber(env: Env, names: string[], rule: NumberRule, fallback: number): number {
  return firstValid(
    env,
    names,
    (value) => {
      const checked = checkNumber(value, rule);
      return typeof checked === 'number' ? { value: checked } : { problem: checked };
    },
    fallback,
    (n) => (n === Number.POSITIVE_INFINITY ? 'no limit' : String(n)),
  );
}

/**
 * What stands before the last `@` of a value that may be a URL, from after its `//` (or from the
 * start: `user:pw@host`), as `REDACTED`: a bad endpoint is quoted in a warning, and the log
 * scrubber only knows userinfo in a URL it can read (`https//user:pw@collector` went out whole).
 */
export function maskedUserinfo(raw: string): string {
  const at = raw.lastIndexOf('@');
  if (at === -1) return raw;
  const slashes = raw.indexOf('//');
  const from = slashes !== -1 && slashes < at ? slashes + 2 : 0;
  return `${raw.slice(0, from)}REDACTED@${raw.slice(at + 1)}`;
}
