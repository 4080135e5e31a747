/**
 * `value` as text, never throwing and never longer to make than what it shows: `String()` of an
 * array joins every entry (a sparse `new Array(2 ** 32 - 1)` thrown or logged took 78 s, then threw
 * RangeError), and of a typed array every element. Those show as `[an array of N entries]`;
 * anything else as `String()` makes it (its own `toString`), or `unreadable` when that throws (a
 * revoked Proxy, an object without a prototype, a getter that throws).
 */
export function textOf(value: unknown, unreadable: string): string {
  if (typeof value === 'string') return value;
  try {
    if (Array.isArray(value) || ArrayBuffer.isView(value))
      return `[an array of ${(value as { length: number }).length} entries]`;
    return String(value);
  } catch {
    return unreadable;
  }
}
