import { log } from './diag.js';

/** The environment as a plain object; tests pass their own instead of mutating `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Warn once about a bad environment value, in the shape opentelemetry-js uses:
 * `OTEL_TRACES_SAMPLER_ARG=1.7 was given, but it is out of range ([0..1]), defaulting to 1.`
 */
export function warnEnv(name: string, value: string, problem: string, fallback: string): void {
  log.warnOnce(
    `env:${name}=${value}`,
    `${name}=${JSON.stringify(value)} was given, but ${problem}, ${fallback}.`,
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
  const n = Number(value);
  if (!Number.isFinite(n)) {
    warnEnv(name, value, 'it is not a number', `defaulting to ${fallback}`);
    return undefined;
  }
  if (rule.integer && !Number.isInteger(n)) {
    warnEnv(name, value, 'it is not a whole number', `defaulting to ${fallback}`);
    return undefined;
  }
  if ((rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max)) {
    const range = `[${rule.min ?? '-∞'}..${rule.max ?? '∞'}]`;
    warnEnv(name, value, `it is out of range (${range})`, `defaulting to ${fallback}`);
    return undefined;
  }
  return n;
}

/** A comma-separated list, entries trimmed, blanks dropped. */
export function envList(env: Env, name: string): string[] | undefined {
  const value = envString(env, name);
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * `key1=value1,key2=value2` with percent-encoded values, as `OTEL_RESOURCE_ATTRIBUTES` and
 * `OTEL_EXPORTER_OTLP_HEADERS` use. A malformed pair is skipped with a warning; the rest is kept.
 */
export function envKeyValues(env: Env, name: string): Record<string, string> | undefined {
  const value = envString(env, name);
  if (value === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const pair of value.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq).trim() : '';
    if (key === '') {
      warnEnv(name, value, `the entry ${JSON.stringify(pair)} is not key=value`, 'ignoring that entry');
      continue;
    }
    const rawValue = pair.slice(eq + 1).trim();
    try {
      out[key] = decodeURIComponent(rawValue);
    } catch {
      warnEnv(name, value, `the value of ${key} is not valid percent-encoding`, 'using it undecoded');
      out[key] = rawValue;
    }
  }
  return out;
}

/** The first of `names` that holds a valid number (each bad one warns), else `fallback`. */
export function firstNumber(env: Env, names: string[], rule: NumberRule, fallback: number): number {
  for (const name of names) {
    const value = envNumber(env, name, rule, String(fallback));
    if (value !== undefined) return value;
  }
  return fallback;
}
