// Idempotency keys and what each one's request did, kept in memory so the example runs alone: a
// stand-in for a table with a unique key and an expiry column, which survives a restart and is
// shared by every instance (this map is neither). The same file in order-service and
// payment-service (each folder is copied alone); test/e2e/example-lifecycle.test.ts keeps them equal.

/**
 * A map bounded both ways a key could stay: an entry expires `ttlMs` after it was stored (a retry
 * comes within minutes, 24 h covers a client's retry schedule, as payment APIs do), and past
 * `maxEntries` the oldest is forgotten, so a flood of new keys cannot grow it until the process
 * runs out of memory. A key forgotten early is charged again if it is ever repeated: size
 * `maxEntries` above what arrives within `ttlMs`.
 * @template T
 * @param {{ maxEntries: number, ttlMs: number, now?: () => number }} options
 */
export function createIdempotencyStore({ maxEntries, ttlMs, now = Date.now }) {
  /** @type {Map<string, { value: T, expiresAt: number }>} */
  const entries = new Map();

  // A Map iterates in insertion order and every entry lives ttlMs: the first is the next to expire.
  function sweep() {
    const time = now();
    for (const [key, entry] of entries) {
      if (entry.expiresAt > time) return;
      entries.delete(key);
    }
  }

  return {
    /** @param {string} key */
    get(key) {
      sweep();
      return entries.get(key)?.value;
    },
    /**
     * @param {string} key
     * @param {T} value
     */
    set(key, value) {
      sweep();
      entries.delete(key);
      entries.set(key, { value, expiresAt: now() + ttlMs });
      if (entries.size > maxEntries) entries.delete(/** @type {string} */ (entries.keys().next().value));
    },
    /** @param {string} key */
    delete(key) {
      entries.delete(key);
    },
    /** How many keys are held (expired ones are dropped first). */
    size() {
      sweep();
      return entries.size;
    },
  };
}
