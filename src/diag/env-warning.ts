import { log } from './log.js';

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
