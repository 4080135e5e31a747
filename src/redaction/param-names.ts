// Whether a query parameter's name is a secret one (url.ts): decoded and lowercased, then looked up.

/**
 * The name decoded (`+` as a space, `%XX` escapes) and lowercased; a name with a malformed escape
 * is compared raw. Checked before decoding, not caught: a thrown URIError cost ~3 µs, so 256 KB of
 * `%=a&` took 209 ms.
 */
export function lowerName(raw: string): string {
  let name = raw;
  const escaped = name.includes('%');
  if ((escaped || name.includes('+')) && (!escaped || decodable(name))) {
    name = decodeURIComponent(name.includes('+') ? name.replace(/\+/g, ' ') : name);
  }
  return name.toLowerCase();
}

/** The byte of the `%XX` escape at `i`, or -1 if it is not a whole one. */
function escapedByte(text: string, i: number): number {
  if (i + 2 >= text.length || text.charCodeAt(i) !== 37) return -1;
  const high = hexValue(text.charCodeAt(i + 1));
  const low = hexValue(text.charCodeAt(i + 2));
  return high === -1 || low === -1 ? -1 : high * 16 + low;
}

/**
 * Whether decodeURIComponent(text) succeeds (ECMA-262 Decode): every `%` starts a whole escape, and
 * the escaped bytes of each non-ASCII character are its shortest UTF-8 form, not a surrogate.
 */
export function decodable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 37) continue;
    const first = escapedByte(text, i);
    if (first === -1) return false;
    i += 2;
    if (first < 0x80) continue;
    const n = first >= 0xf8 ? 0 : first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 0;
    if (n === 0) return false;
    let point = first & (0xff >> (n + 1));
    for (let k = 1; k < n; k++) {
      const next = escapedByte(text, i + 1);
      if (next === -1 || (next & 0xc0) !== 0x80) return false;
      point = (point << 6) | (next & 0x3f);
      i += 3;
    }
    const least = n === 2 ? 0x80 : n === 3 ? 0x800 : 0x10000;
    if (point < least || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) return false;
  }
  return true;
}

const namesByLength = new WeakMap<ReadonlySet<string>, Map<number, string[]>>();

/** The secret names by length, computed once per set. */
export function namesByLengthOf(params: ReadonlySet<string>): Map<number, string[]> {
  let byLength = namesByLength.get(params);
  if (byLength === undefined) {
    byLength = new Map();
    for (const name of params) {
      const list = byLength.get(name.length) ?? [];
      list.push(name);
      byLength.set(name.length, list);
    }
    namesByLength.set(params, byLength);
  }
  return byLength;
}

/**
 * Whether `query[from, to)` names a secret parameter: decoded (`%XX`, `+`) and lowercased as
 * lowerName does, but compared in place, against the secret names of its decoded length, whenever
 * the name and its escapes are ASCII (nearly always). A slice, a decode and a lowercase copy per
 * parameter were most of the time for a 256 KB query of short pairs (7 ms for `to%6Ben=a&`).
 */
export function isSecretParam(
  query: string,
  from: number,
  to: number,
  params: ReadonlySet<string>,
  byLength: Map<number, string[]>,
): boolean {
  const length = asciiDecodedLength(query, from, to);
  if (length === -1) return params.has(lowerName(query.slice(from, to)));
  const sameLength = byLength.get(length);
  if (sameLength !== undefined)
    for (const name of sameLength) if (decodedEquals(query, from, to, name)) return true;
  return false;
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
