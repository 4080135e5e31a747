// Whether a query parameter's name is a secret one (url.ts): decoded and lowercased, then looked up.
import { INLINE_GLUED_NAMES, INLINE_SECRET_NAMES } from './defaults.js';
import { built, type NameTrie, nameTrie, stepBack } from './name-trie.js';

/**
 * The name decoded (`+` as a space, `%XX` escapes) and lowercased; a name with a malformed escape
 * is compared raw. Checked before decoding, not caught: a thrown URIError cost ~3 µs, so 256 KB of
 * `%=a&` took ~300 ms.
 */
function lowerName(raw: string): string {
  let name = raw;
  const escaped = name.includes('%');
  if ((escaped || name.includes('+')) && (!escaped || decodable(name))) {
    name = decodeURIComponent(name.includes('+') ? name.replace(/\+/g, ' ') : name);
  }
  return name.toLowerCase();
}

/** The byte of the `%XX` escape at `i`, or -1 if it is not a whole one. */
function escapedByte(text: string, i: number, to: number): number {
  if (i + 2 >= to || text.charCodeAt(i) !== 37) return -1;
  const high = hexValue(text.charCodeAt(i + 1));
  const low = hexValue(text.charCodeAt(i + 2));
  return high === -1 || low === -1 ? -1 : high * 16 + low;
}

/**
 * Whether decodeURIComponent(text) succeeds (ECMA-262 Decode): every `%` starts a whole escape, and
 * the escaped bytes of each non-ASCII character are its shortest UTF-8 form, not a surrogate.
 */
export function decodable(text: string, from = 0, to = text.length): boolean {
  for (let i = from; i < to; i++) {
    if (text.charCodeAt(i) !== 37) continue;
    const first = escapedByte(text, i, to);
    if (first === -1) return false;
    i += 2;
    if (first < 0x80) continue;
    const n = first >= 0xf8 ? 0 : first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 0;
    if (n === 0) return false;
    let point = first & (0xff >> (n + 1));
    for (let k = 1; k < n; k++) {
      const next = escapedByte(text, i + 1, to);
      if (next === -1 || (next & 0xc0) !== 0x80) return false;
      point = (point << 6) | (next & 0x3f);
      i += 3;
    }
    const least = n === 2 ? 0x80 : n === 3 ? 0x800 : 0x10000;
    if (point < least || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) return false;
  }
  return true;
}

/** The secret names by length, and whether they are all ASCII. */
export interface SecretNames {
  readonly byLength: ReadonlyMap<number, readonly string[]>;
  readonly ascii: boolean;
}

const secretNames = new WeakMap<ReadonlySet<string>, SecretNames>();

/** The secret names by length, computed once per set. */
export function secretNamesOf(params: ReadonlySet<string>): SecretNames {
  let names = secretNames.get(params);
  if (names === undefined) {
    const byLength = new Map<number, string[]>();
    for (const name of params) {
      const list = byLength.get(name.length) ?? [];
      list.push(name);
      byLength.set(name.length, list);
    }
    names = { byLength, ascii: [...params].every((name) => isAscii(name, 0, name.length)) };
    secretNames.set(params, names);
  }
  return names;
}

/**
 * Whether `text[from, to)`, decoded and lowercased by lowerName, surely holds a non-ASCII character,
 * so that no ASCII name can equal it. Every non-ASCII character lowercases to non-ASCII but the
 * Kelvin sign (U+212A → `k`; url.test.ts checks every code point); escaped ones (`%C3%B6`) count
 * only when the name decodes.
 */
function surelyNonAscii(text: string, from: number, to: number): boolean {
  let escapedHigh = false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 && c !== 0x212a) return true;
    if (c !== 37 || escapedHigh) continue;
    const byte = escapedByte(text, i, to);
    if (byte < 0x80) continue;
    // `%E2%84%AA` is the Kelvin sign; any other escaped lead byte starts another non-ASCII character.
    if (byte === 0xe2 && escapedByte(text, i + 3, to) === 0x84 && escapedByte(text, i + 6, to) === 0xaa)
      i += 8;
    else escapedHigh = true;
  }
  return escapedHigh && decodable(text, from, to);
}

/**
 * Whether `query[from, to)` names a secret parameter: decoded (`%XX`, `+`) and lowercased as
 * lowerName does, but compared in place, against the secret names of its decoded length, whenever
 * the name and its escapes are ASCII (nearly always). A slice, a decode and a lowercase copy per
 * parameter were most of the time for a 256 KB query of short pairs (32 ms for `to%6Ben=a&`), and an
 * indexOf for `%` from the name ran to the end of the query once per parameter (quadratic: 256 KB
 * of `a=1&` took 120 ms).
 */
export function isSecretParam(
  query: string,
  from: number,
  to: number,
  params: ReadonlySet<string>,
  names: SecretNames,
): boolean {
  const length = asciiDecodedLength(query, from, to);
  if (length === -1) {
    // A malformed escape: lowerName compares the raw name, lowercased.
    if (isAscii(query, from, to) && !decodable(query, from, to)) {
      const sameLength = names.byLength.get(to - from);
      if (sameLength !== undefined)
        for (const name of sameLength) if (rawEquals(query, from, name)) return true;
      return false;
    }
    if (names.ascii && surelyNonAscii(query, from, to)) return false;
    return params.has(lowerName(query.slice(from, to)));
  }
  const sameLength = names.byLength.get(length);
  if (sameLength !== undefined)
    for (const name of sameLength) if (decodedEquals(query, from, to, name)) return true;
  return false;
}

function isAscii(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) >= 128) return false;
  return true;
}

/** Whether the ASCII text at `from`, lowercased, is `name`. */
function rawEquals(text: string, from: number, name: string): boolean {
  for (let k = 0; k < name.length; k++) {
    let c = text.charCodeAt(from + k);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== name.charCodeAt(k)) return false;
  }
  return true;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/** The `%XX` escape at `i` if it is a whole one for an ASCII character, else -1. */
function asciiEscape(text: string, i: number, to: number): number {
  if (i + 2 >= to) return -1;
  const high = hexValue(text.charCodeAt(i + 1));
  const low = hexValue(text.charCodeAt(i + 2));
  return high === -1 || low === -1 || high > 7 ? -1 : high * 16 + low;
}

/**
 * How many characters `text[from, to)` decodes to, or -1 when it holds a non-ASCII character or an
 * escape that is not an ASCII one (malformed, or part of a multi-byte character): lowerName decides those.
 */
function asciiDecodedLength(text: string, from: number, to: number): number {
  let length = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) return -1;
    if (c === 37) {
      if (asciiEscape(text, i, to) === -1) return -1;
      i += 2;
    }
    length++;
  }
  return length;
}

/** Whether `text[from, to)`, decoded and lowercased (ASCII only, see asciiDecodedLength), is `name`. */
function decodedEquals(text: string, from: number, to: number, name: string): boolean {
  let k = 0;
  for (let i = from; i < to; i++, k++) {
    let c = text.charCodeAt(i);
    if (c === 37) {
      c = asciiEscape(text, i, to);
      i += 2;
    } else if (c === 43) c = 32;
    if (c >= 65 && c <= 90) c += 32;
    if (c !== name.charCodeAt(k)) return false;
  }
  return true;
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

/** Lowercase names looked for at the end of a parameter name (endsInSecretName): flag 1, 2 for one that counts glued too. */
export type SecretSuffixes = NameTrie;

/** A name that counts glued to a letter or digit before it too (`dbpassword`). */
const GLUED = 2;

export function secretSuffixes(names: readonly string[], glued: readonly string[] = []): SecretSuffixes {
  const gluedNames = new Set(glued.map((n) => n.toLowerCase()));
  return nameTrie(names.map((n) => [n, gluedNames.has(n.toLowerCase()) ? 1 | GLUED : 1]));
}

/**
 * Whether `text[from, to)`, as written, ends in one of `names` right after a character that is not
 * an ASCII letter or digit: `auth_token`, `private_token`, `db.password`; or, for a glued name,
 * after anything (`pgpassword`, `dbPassword`). The rule free text follows (`auth_token=x` and
 * `PGPASSWORD=x` in a message are scrubbed, inline.ts). Read from the end, one character at a
 * time, only as far as some name goes (name-trie.ts): a 256 KB query of `a=1&` must not pay for a
 * lookup per pair, nor a flag name ending in `token` for a loop over every name (`-db-token -`
 * repeated: 256 KB took 7.6 ms that way, 4.8 now).
 */
export function endsInSecretName(
  text: string,
  from: number,
  to: number,
  names: SecretSuffixes,
  /** Whether the whole of `text[from, to)` may be the name (a `token` attribute key). */
  whole = false,
): boolean {
  built(names);
  let node = 0;
  for (let i = to - 1; i >= from; i--) {
    node = stepBack(names, node, text.charCodeAt(i));
    if (node === 0) return false;
    const flags = names.flags[node]!;
    if (flags === 0) continue;
    // A name that starts at `from` is all of it; one after a letter or digit is glued to it.
    if (i === from ? whole : (flags & GLUED) !== 0 || !isAsciiAlnum(text.charCodeAt(i - 1))) return true;
  }
  return false;
}

/** Where empty brackets that end text[from, to) start (`[]`, `%5B%5D`, either case), or -1. */
function emptyBrackets(text: string, from: number, to: number): number {
  if (to - 2 >= from && text.charCodeAt(to - 1) === 93 && text.charCodeAt(to - 2) === 91) return to - 2;
  if (to - 6 >= from && isEscaped(text, to - 3, 0x44) && isEscaped(text, to - 6, 0x42)) return to - 6;
  return -1;
}

/** Whether `%5` and `letter` (upper case, either case matched) are at `at`: `%5B`, `%5D`. */
function isEscaped(text: string, at: number, letter: number): boolean {
  return (
    text.charCodeAt(at) === 37 &&
    text.charCodeAt(at + 1) === 53 &&
    (text.charCodeAt(at + 2) & ~0x20) === letter
  );
}

/**
 * The field name inside the last brackets of a form-style name, `user[password]` → `password`
 * (also escaped, `user%5Bpassword%5D`), as [from, to), or undefined when the name does not end in
 * brackets; before empty brackets, the name before them (`password[]` → `password`). Read back from
 * the end of the name only, never past `from`.
 */
export function bracketField(text: string, from: number, to: number): [number, number] | undefined {
  // Empty brackets, a list's item (`password[]=a&password[]=b`, `user[password][]=a`: PHP, qs):
  // the name before them (until 2026-12-07 none, and the values went out).
  let end = to;
  for (let e = emptyBrackets(text, from, end); e !== -1; e = emptyBrackets(text, from, end)) end = e;
  if (end !== to) return end > from ? (bracketField(text, from, end) ?? [from, end]) : undefined;
  let close = -1;
  if (to - 1 > from && text.charCodeAt(to - 1) === 93) close = to - 1;
  else if (
    to - 3 > from &&
    text.charCodeAt(to - 3) === 37 &&
    text.charCodeAt(to - 2) === 53 &&
    (text.charCodeAt(to - 1) | 0x20) === 100
  )
    close = to - 3;
  if (close === -1) return undefined;
  for (let i = close - 1; i >= from; i--) {
    const c = text.charCodeAt(i);
    if (c === 91) return i + 1 < close ? [i + 1, close] : undefined;
    if (c === 66 || c === 98) {
      if (i - 2 >= from && text.charCodeAt(i - 2) === 37 && text.charCodeAt(i - 1) === 53)
        return i + 1 < close ? [i + 1, close] : undefined;
    }
  }
  return undefined;
}

/**
 * The names the `name=value` rules look for (inline.ts's, and the user's plain ones), for the passes
 * that read a name and its value written another way (named-values.ts, pair-tuples.ts,
 * escaped-separators.ts): built once per redactor and shared.
 */
export function inlineSecretSuffixes(userNames: readonly string[]): SecretSuffixes {
  const literal = userNames.filter((n) => /^[\w.-]+$/.test(n));
  return secretSuffixes([...INLINE_SECRET_NAMES, ...literal], INLINE_GLUED_NAMES);
}
