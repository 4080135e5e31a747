import { runDetached, withSpan } from '@acme/otel';
import { SpanStatusCode } from '@opentelemetry/api';

/**
 * The user lookup: database, then refresh the shared profile cache other services read.
 * @param {{
 *   store: import('./user-store.mjs').UserStore,
 *   cache: import('./cache.mjs').Cache,
 *   logger: import('winston').Logger,
 *   cacheTtlSeconds?: number,
 *   maxTrackedUsers?: number,
 * }} deps
 */
export function createUserService({ store, cache, logger, cacheTtlSeconds = 60, maxTrackedUsers = 10_000 }) {
  /**
   * Lookups per user, a stand-in for a metrics store. The latest `maxTrackedUsers` users only: with
   * one entry per user ever looked up, a copy in front of a real user table grew without end.
   * @type {Map<string, number>}
   */
  const lookups = new Map();
  const pending = new Set();

  /**
   * @param {string} id
   * @returns {Promise<import('./user-store.mjs').User | undefined>}
   */
  function getUser(id) {
    return withSpan(
      'get_user',
      async (span) => {
        const user = await store.findUser(id);
        if (!user) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: 'User not found' });
          logger.warn('user not found', { userId: id });
          return undefined;
        }
        // The database answered, so does this service: a cache that is down costs other readers a
        // stale or missing entry, not this caller a 500. cache.set's span keeps the ERROR.
        await cache.set(`acme-example:user:${id}`, user, cacheTtlSeconds).catch((error) => {
          logger.warn('profile cache not refreshed', { userId: id, error: String(error?.message ?? error) });
        });
        logger.info('user loaded', { userId: id });

        // Fire-and-forget bookkeeping that must not delay the answer, still in this trace.
        const task = runDetached(
          'record_user_lookup',
          () => {
            const count = (lookups.get(id) ?? 0) + 1;
            lookups.delete(id); // re-inserted last: the map's order is recency
            lookups.set(id, count);
            if (lookups.size > maxTrackedUsers)
              lookups.delete(/** @type {string} */ (lookups.keys().next().value));
          },
          { mode: 'child', attributes: { 'user.id': id } },
        );
        pending.add(task);
        task.finally(() => pending.delete(task));
        return user;
      },
      { attributes: { 'user.id': id } },
    );
  }

  return {
    getUser,
    /** @param {string} id */
    lookupCount: (id) => lookups.get(id) ?? 0,
    /** Wait for fire-and-forget work (graceful shutdown, tests). */
    drain: () => Promise.allSettled([...pending]),
    /** How many fire-and-forget tasks are still running (logged when shutdown abandons them). */
    running: () => pending.size,
  };
}
