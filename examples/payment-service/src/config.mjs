import { readNumber, readServerSettings } from './server-settings.mjs';

/**
 * Read the environment once. `warnings`: bad values and what was used instead, to log once.
 * @param {Record<string, string | undefined>} [env]
 */
export function loadConfig(env = process.env) {
  /** @type {string[]} */
  const warnings = [];
  return Object.freeze({
    host: env.HOST || '127.0.0.1',
    port: readNumber(env, 'PORT', 3002, { min: 0, max: 65_535 }, warnings),
    /** Charges above this amount are treated as fraud (the demo's "fraud" order). */
    fraudThreshold: readNumber(
      env,
      'FRAUD_THRESHOLD',
      10_000,
      { min: 0, max: 1e12, integer: false },
      warnings,
    ),
    /** How long the stand-in card gateway takes to charge: raise it to see a caller's timeout. */
    gatewayLatencyMs: readNumber(
      env,
      'GATEWAY_LATENCY_MS',
      10,
      { min: 0, max: 60_000, unit: 'milliseconds' },
      warnings,
    ),
    logLevel: env.LOG_LEVEL || 'info',
    server: readServerSettings(env, warnings),
    warnings: Object.freeze(warnings),
  });
}
