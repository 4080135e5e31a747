import { readNumber, readServerSettings } from './server-settings.mjs';

/**
 * Read the environment once. Without DATABASE_URL / REDIS_URL the service runs on embedded
 * in-memory stand-ins, so it starts on a bare machine (the demo); production sets both.
 * `warnings`: bad values and what was used instead, to log once.
 * @param {Record<string, string | undefined>} [env]
 */
export function loadConfig(env = process.env) {
  /** @type {string[]} */
  const warnings = [];
  return Object.freeze({
    host: env.HOST || '127.0.0.1',
    port: readNumber(env, 'PORT', 3001, { min: 0, max: 65_535 }, warnings),
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    cacheTtlSeconds: readNumber(
      env,
      'CACHE_TTL_SECONDS',
      60,
      { min: 1, max: 2_592_000, unit: 'seconds' },
      warnings,
    ),
    logLevel: env.LOG_LEVEL || 'info',
    server: readServerSettings(env, warnings),
    warnings: Object.freeze(warnings),
  });
}
