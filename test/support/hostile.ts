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
