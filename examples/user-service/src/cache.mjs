import { withSpan } from '@acme/otel';
import { Redis } from 'ioredis';

/** @typedef {{ set(key: string, value: unknown, ttlSeconds: number): Promise<void>, close(): Promise<void> }} Cache */

/**
 * Redis cache. The ioredis instrumentation adds a `set` span under our `cache.set` span.
 * @param {string} redisUrl
 * @param {{ timeoutMs?: number }} [options] bound on connecting and on each command, quit included
 * @returns {Cache}
 */
export function createRedisCache(redisUrl, { timeoutMs = 1000 } = {}) {
  // ioredis has no command timeout by default: a Redis that accepts the connection and does not
  // answer would hold every lookup, and quit() at shutdown, forever.
  const redis = new Redis(redisUrl, {
    maxRetriesPerRequest: 2,
    lazyConnect: false,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
  });
  // Without a listener ioredis prints every reconnect error; the failing command still rejects.
  redis.on('error', () => {});
  return {
    set(key, value, ttlSeconds) {
      return withSpan(
        'cache.set',
        async () => {
          await redis.set(key, JSON.stringify(value), 'EX', ttlSeconds);
        },
        { attributes: { 'db.system': 'redis', 'cache.key': key, 'cache.ttl_seconds': ttlSeconds } },
      );
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * Embedded stand-in used when REDIS_URL is unset.
 * @returns {Cache}
 */
export function createMemoryCache() {
  /** @type {Map<string, { value: string, expires: number }>} */
  const entries = new Map();
  return {
    set(key, value, ttlSeconds) {
      return withSpan(
        'cache.set',
        async () => {
          entries.set(key, { value: JSON.stringify(value), expires: Date.now() + ttlSeconds * 1000 });
        },
        { attributes: { 'db.system': 'in-memory', 'cache.key': key, 'cache.ttl_seconds': ttlSeconds } },
      );
    },
    close: async () => {},
  };
}
