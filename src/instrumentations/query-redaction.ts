import { hexValue } from '../util/hex-digit.js';

/**
 * `url.query` of a server span: the values of the `redacted` parameters replaced by `REDACTED`,
 * exactly as upstream's redactQueryString gives it (instrumentation-http 0.223: a URLSearchParams,
 * `has` and `set` per name, then `toString`), in one linear pass.
 *
 * URLSearchParams is not linear on hostile queries: `set` removes each later duplicate with a
 * splice, and its parser slows down with the number of pairs. A 64 KiB query of `sig=1&` took
 * 11 ms per request (128 KiB: 42 ms), of `a&` 6 ms. Here each pair costs the same wherever it is.
 *
 * The application/x-www-form-urlencoded rules (WHATWG URL §5): pairs split at `&`, empty ones
 * skipped; name and value split at the first `=`; `+` is a space; percent escapes are bytes, read
 * as UTF-8 with U+FFFD for bad sequences; written back, every byte but `*-._`, digits and ASCII
 * letters is escaped in uppercase hex and a space is `+`. A pair of only those characters (and
 * `+`) reads and writes back unchanged, which is the fast path for nearly every real query.
 */
export function redactQuery(search: string, redacted: readonly string[]): string {
  const names = redactedNames(redacted);
  let seen: Set<string> | undefined;
  let out = '';
  // URLSearchParams drops one leading `?` of a string it is given (a target of `/p??x=1`).
  let start = search.charCodeAt(0) === 0x3f ? 1 : 0;
  const length = search.length;
  while (start <= length) {
    let end = start;
    let eq = -1;
    // Bits: 1 = the name needs decoding, 2 = the value does, 4 = the name has `+`.
    let flags = 0;
    for (; end < length; end++) {
      const code = search.charCodeAt(end);
      if (code === 0x26) break;
      if (code === 0x3d && eq === -1) {
        eq = end;
        continue;
      }
      if (code < 128 && UNCHANGED[code] === 1) continue;
      const part = eq === -1 ? 1 : 2;
      flags |= code === 0x2b ? part * 4 : part;
    }
    if (end > start) {
      const nameEnd = eq === -1 ? end : eq;
      // The name as URLSearchParams reads it, where that could make it a redacted one: escaped
      // (any length), or as long as a redacted name.
      let decoded: string | undefined;
      if (flags & 1 || names.lengths.has(nameEnd - start)) {
        const rawName = search.slice(start, nameEnd);
        decoded = flags & (1 | 4) ? formDecode(rawName) : rawName;
      }
      if (decoded !== undefined && names.set.has(decoded)) {
        seen ??= new Set();
        if (!seen.has(decoded)) {
          seen.add(decoded);
          const name = flags & 1 ? formEncode(decoded) : search.slice(start, nameEnd);
          out += `${out === '' ? '' : '&'}${name}=REDACTED`;
        }
      } else if ((flags & 3) === 0) {
        // Written back as read: the pair itself, with `=` if it had none.
        out += `${out === '' ? '' : '&'}${search.slice(start, end)}${eq === -1 ? '=' : ''}`;
      } else {
        const value =
          flags & 2 ? formNormalise(search, eq + 1, end) : eq === -1 ? '' : search.slice(eq + 1, end);
        const name = flags & 1 ? formEncode(decoded as string) : search.slice(start, nameEnd);
        out += `${out === '' ? '' : '&'}${name}=${value}`;
      }
    }
    start = end + 1;
  }
  return out;
}

// What the serializer writes as is: `*`, `-`, `.`, `_`, digits, ASCII letters; `+` (a space, written
// back as `+`) is flagged apart because it changes the name that `has` compares.
const UNCHANGED = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[*\-._0-9A-Za-z]/.test(ch)) UNCHANGED[c] = 1;
}
UNCHANGED[0x2b] = 0;

interface RedactedNames {
  readonly set: ReadonlySet<string>;
  /** Their lengths: a name of another length, unescaped, is not one of them. */
  readonly lengths: ReadonlySet<number>;
}

const namesOf = new WeakMap<readonly string[], RedactedNames>();
function redactedNames(redacted: readonly string[]): RedactedNames {
  let names = namesOf.get(redacted);
  if (names === undefined) {
    names = { set: new Set(redacted), lengths: new Set(redacted.map((name) => name.length)) };
    namesOf.set(redacted, names);
  }
  return names;
}

const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const utf8Encoder = new TextEncoder();

// Reused for every pair: decoding allocates only the string it returns.
let scratch = new Uint8Array(256);

/** `+` to space, percent escapes to bytes, bytes read as UTF-8 (bad sequences U+FFFD, a BOM kept). */
function formDecode(text: string): string {
  for (let i = 0; i < text.length; i++) {
    // A URL's query is ASCII; anything else is UTF-8 encoded first, as the parser does.
    if (text.charCodeAt(i) >= 128) return decodeBytes(utf8Encoder.encode(text));
  }
  if (scratch.length < text.length) scratch = new Uint8Array(text.length * 2);
  let n = 0;
  let ascii = true;
  for (let i = 0; i < text.length; i = unitEnd) {
    const byte = unitAt(text, i, text.length);
    if (byte >= 128) ascii = false;
    scratch[n++] = byte;
  }
  if (!ascii) return utf8Decoder.decode(scratch.subarray(0, n));
  let out = '';
  for (let i = 0; i < n; i++) out += String.fromCharCode(scratch[i] as number);
  return out;
}

/** formDecode for text already UTF-8 encoded. */
function decodeBytes(input: Uint8Array): string {
  const bytes = new Uint8Array(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    let byte = input[i] as number;
    if (byte === 0x2b) {
      byte = 0x20;
    } else if (byte === 0x25 && i + 2 < input.length) {
      const high = hexValue(input[i + 1] as number);
      const low = hexValue(input[i + 2] as number);
      if (high !== -1 && low !== -1) {
        byte = (high << 4) | low;
        i += 2;
      }
    }
    bytes[n++] = byte;
  }
  return utf8Decoder.decode(bytes.subarray(0, n));
}

const HEX = '0123456789ABCDEF';

/** The urlencoded serializer for one name or value (lone surrogates become U+FFFD, as UTF-8 does). */
function formEncode(text: string): string {
  if (scratch.length < text.length * 3) scratch = new Uint8Array(text.length * 6);
  const { written } = utf8Encoder.encodeInto(text, scratch);
  let out = '';
  for (let i = 0; i < written; i++) {
    const byte = scratch[i] as number;
    if (byte < 128 && UNCHANGED[byte] === 1) out += String.fromCharCode(byte);
    else if (byte === 0x20) out += '+';
    else out += `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

/**
 * `formEncode(formDecode(text[from, to)))` in one pass while the text and what its escapes stand
 * for are ASCII, which is all a URL's query can hold; anything else takes the general path.
 */
function formNormalise(text: string, from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i = unitEnd) {
    const code = unitAt(text, i, to);
    if (code >= 128) return out + utf8Normalise(text, i, to);
    out += serialised(code);
  }
  return out;
}

/** Where the unit read by the last {@link unitAt} ends. */
let unitEnd = 0;

/** The byte a query's text stands for at `i`: `+` is a space, `%XX` a byte; sets {@link unitEnd}. */
function unitAt(text: string, i: number, to: number): number {
  const code = text.charCodeAt(i);
  unitEnd = i + 1;
  if (code === 0x2b) return 0x20;
  if (code !== 0x25 || i + 2 >= to) return code;
  const high = hexValue(text.charCodeAt(i + 1));
  const low = hexValue(text.charCodeAt(i + 2));
  if (high === -1 || low === -1) return code;
  unitEnd = i + 3;
  return (high << 4) | low;
}

/** One ASCII byte as the urlencoded serializer writes it. */
function serialised(code: number): string {
  if (UNCHANGED[code] === 1) return String.fromCharCode(code);
  if (code === 0x20) return '+';
  return `%${HEX[code >> 4]}${HEX[code & 15]}`;
}

/**
 * The rest of formNormalise from `from` (the first byte over 0x7f), as decoding to UTF-8 and
 * encoding again would give it, without either: each well-formed UTF-8 sequence is written back
 * as its bytes, and each ill-formed part becomes U+FFFD (`%EF%BF%BD`), split as the WHATWG decoder
 * splits it (the byte that breaks a sequence starts the next one). A raw non-ASCII character,
 * which a URL's query never holds, takes the general path.
 */
function utf8Normalise(text: string, from: number, to: number): string {
  if (scratch.length < to - from) scratch = new Uint8Array((to - from) * 2);
  let n = 0;
  for (let i = from; i < to; i = unitEnd) {
    if (text.charCodeAt(i) >= 128) return formEncode(formDecode(text.slice(from, to)));
    scratch[n++] = unitAt(text, i, to);
  }
  let out = '';
  let i = 0;
  while (i < n) {
    const first = scratch[i] as number;
    if (first < 0x80) {
      out += serialised(first);
      i++;
      continue;
    }
    let needed = 0;
    let lower = 0x80;
    let upper = 0xbf;
    if (first >= 0xc2 && first <= 0xdf) needed = 1;
    else if (first >= 0xe0 && first <= 0xef) {
      needed = 2;
      if (first === 0xe0) lower = 0xa0;
      if (first === 0xed) upper = 0x9f;
    } else if (first >= 0xf0 && first <= 0xf4) {
      needed = 3;
      if (first === 0xf0) lower = 0x90;
      if (first === 0xf4) upper = 0x8f;
    }
    let end = i + 1;
    if (needed > 0) {
      for (let k = 0; k < needed; k++, end++) {
        const byte = end < n ? (scratch[end] as number) : -1;
        if (byte < lower || byte > upper) break;
        lower = 0x80;
        upper = 0xbf;
      }
    }
    if (needed > 0 && end === i + 1 + needed) {
      for (let k = i; k < end; k++) out += serialised(scratch[k] as number);
    } else {
      out += '%EF%BF%BD';
    }
    i = end;
  }
  return out;
}
