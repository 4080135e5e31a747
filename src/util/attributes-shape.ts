import { groupThousands } from './group-thousands.js';

/**
 * What `value`, given as attributes, is when it is no object of attributes (`a string`, `an array`,
 * `a number`, `a revoked Proxy`); `undefined` for an object, and for null or undefined, which the
 * SDK reads as none. The SDK walks attributes with `for…in`, so each character of a string and
 * each element of an array became an attribute named `0`, `1`, …: a 10 MB string held the event
 * loop ~17 s, a 10-million-element array ~8 s (sdk-trace 2.12), for 128 such attributes. Never throws.
 */
export function notAttributes(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') return `a ${typeof value}`;
  try {
    return Array.isArray(value) ? 'an array' : undefined;
  } catch {
    return 'a revoked Proxy';
  }
}

/** `kind` (from {@link notAttributes}) with its size: `a string (10,000,000 characters)`. Never throws. */
export function shownNotAttributes(value: unknown, kind: string): string {
  try {
    if (typeof value === 'string') return `${kind} (${groupThousands(value.length)} characters)`;
    if (Array.isArray(value)) return `${kind} (${groupThousands(value.length)} elements)`;
  } catch {
    // A revoked Proxy, or a length that cannot be read: the kind says enough.
  }
  return kind;
}

/** Why such attributes are not handed to the SDK, for the line that says so. */
export function walkedBySdk(kind: string): string {
  return `the SDK would take each of its ${kind === 'a string' ? 'characters' : 'elements'} for an attribute named 0, 1, …`;
}
