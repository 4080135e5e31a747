/** A Proxy already revoked: every operation on it throws a TypeError. */
export function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** `target` with an enumerable `key` whose getter throws `Error(message)`. */
export function throwingGetter<T extends object>(target: T, key: string, message: string): T {
  return Object.defineProperty(target, key, {
    enumerable: true,
    get() {
      throw new Error(message);
    },
  });
}

/**
 * `array` behind a Proxy that counts the indexes read (got or tested): walking the whole of a
 * 4-billion-entry sparse array takes minutes and cannot be interrupted, so the walk is stopped (a
 * throw) past 10,000 reads.
 */
export function counted(array: unknown[]): { list: unknown[]; reads: () => number } {
  let reads = 0;
  const count = (key: string | symbol) => {
    if (typeof key === 'string' && /^\d+$/.test(key) && ++reads > 10_000)
      throw new Error(`walked past ${reads - 1} entries`);
  };
  const list = new Proxy(array, {
    get(target, key, receiver) {
      count(key);
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      count(key);
      return Reflect.has(target, key);
    },
  });
  return { list, reads: () => reads };
}
