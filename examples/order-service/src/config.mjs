import { readNumber, readServerSettings } from './server-settings.mjs';

/**
 * @typedef {object} OrderServiceConfig
 * @property {string} host
 * @property {number} port
 * @property {string} userServiceUrl
 * @property {string} paymentServiceUrl
 * @property {number} paymentTimeoutMs how long a charge may take; then it is voided and the order fails
 * @property {'trust' | 'ignore'} incomingTraceContext whether a caller's trace headers and baggage are read
 * @property {string} logLevel
 * @property {import('./server-settings.mjs').ServerSettings} server
 * @property {readonly string[]} warnings bad values and what was used instead, to log once
 */

/**
 * Read the environment once; everything else receives this object.
 * @param {Record<string, string | undefined>} [env]
 * @returns {Readonly<OrderServiceConfig>}
 */
export function loadConfig(env = process.env) {
  /** @type {string[]} */
  const warnings = [];
  return Object.freeze({
    host: env.HOST || '127.0.0.1',
    port: readNumber(env, 'PORT', 3000, { min: 0, max: 65_535 }, warnings),
    userServiceUrl: env.USER_SERVICE_URL || 'http://127.0.0.1:3001',
    paymentServiceUrl: env.PAYMENT_SERVICE_URL || 'http://127.0.0.1:3002',
    paymentTimeoutMs: readNumber(
      env,
      'PAYMENT_TIMEOUT_MS',
      5000,
      { min: 100, max: 60_000, unit: 'milliseconds' },
      warnings,
    ),
    incomingTraceContext: readIncomingTraceContext(env, warnings),
    logLevel: env.LOG_LEVEL || 'info',
    server: readServerSettings(env, warnings),
    warnings: Object.freeze(warnings),
  });
}

/**
 * `trust` (the default: a caller inside your network continues its trace) or `ignore` (the public
 * calls this service directly: see README). Any other value was meant to change the default, so it
 * gives `ignore`, the safe side, with one warning.
 * @param {Record<string, string | undefined>} env
 * @param {string[]} warnings
 * @returns {'trust' | 'ignore'}
 */
function readIncomingTraceContext(env, warnings) {
  const raw = env.INCOMING_TRACE_CONTEXT?.trim();
  if (!raw) return 'trust';
  if (raw === 'trust' || raw === 'ignore') return raw;
  warnings.push(`INCOMING_TRACE_CONTEXT=${env.INCOMING_TRACE_CONTEXT} is not trust or ignore, using ignore`);
  return 'ignore';
}
