import { quoted } from '../util/quote.js';
import { log } from './log.js';

/**
 * Warn once about a bad environment value, in the shape opentelemetry-js uses:
 * `OTEL_TRACES_SAMPLER_ARG=1.7 was given, but it is out of range ([0..1]), defaulting to 1.`
 */
export function warnEnv(name: string, value: string, problem: string, fallback: string): void {
  warnEnvEach(name, value, [[problem, fallback]]);
}

/** The most problems of one value {@link warnEnvEach} lists; the rest are counted. */
export const LISTED_ENV_PROBLEMS = 8;

/**
 * Warn once about a value with several problems (entries of a list), all in one line: `…, but
 * the entry "c" is not key=value, ignoring that entry; the value of e is not valid
 * percent-encoding, using it undecoded.` Past {@link LISTED_ENV_PROBLEMS}, the rest are counted.
 */
export function warnEnvEach(
  name: string,
  value: string,
  found: readonly (readonly [problem: string, fallback: string])[],
): void {
  if (found.length === 0) return;
  const listed = found.slice(0, LISTED_ENV_PROBLEMS).map(([problem, fallback]) => `${problem}, ${fallback}`);
  if (found.length > LISTED_ENV_PROBLEMS)
    listed.push(`and ${found.length - LISTED_ENV_PROBLEMS} more such entries`);
  log.warnOnce(`env:${name}=${value}`, `${name}=${quoted(value)} was given, but ${listed.join('; ')}.`);
}
