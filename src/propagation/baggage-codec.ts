import { hexValue } from '../util/hex-digit.js';
import { isOws, trimOws } from './headers.js';

/**
 * W3C Baggage limits (https://www.w3.org/TR/baggage/ §3.3 "Limits"): a platform MUST propagate
 * all list-members when the baggage-string is 8192 bytes or less (that is at least 64 members),
 * and beyond that MAY drop whole list-members until it fits; partial members are never sent.
 * The spec sets no member count of its own any more (older drafts said 180; upstream OTel JS
 * still caps at 180, plus 4096 bytes per member), so the byte limit is the one we enforce, on
 * extract and on inject. It bounds the count too: a member takes at least 3 bytes with its comma.
 */
export const MAX_BAGGAGE_BYTES = 8192;

export interface BaggageMember {
  readonly key: string;
  /** Decoded value. */
  readonly value: string;
  /** Properties as `k=v;k2`, normalised; undefined when there are none. */
  readonly properties?: string;
}

// key = token (RFC 7230 §3.2.6)
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// value = *baggage-octet: US-ASCII without CTLs, whitespace, DQUOTE, comma, semicolon, backslash.
const VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;
// What a value encodes to unchanged: baggage-octets but `%`.
const UNENCODED = /^[\x21\x23\x24\x26-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;

function isBaggageOctet(byte: number): boolean {
  return (
    byte === 0x21 ||
    (byte >= 0x23 && byte <= 0x2b) ||
    (byte >= 0x2d && byte <= 0x3a) ||
    (byte >= 0x3c && byte <= 0x5b) ||
    (byte >= 0x5d && byte <= 0x7e)
  );
}

export function isBaggageKey(key: string): boolean {
  return TOKEN.test(key);
}

/** Parse `key OWS "=" OWS value`, or `key OWS` when `valueRequired` is false. */
function parsePair(
  text: string,
  valueRequired: boolean,
): { key: string; value: string | undefined } | undefined {
  const eq = text.indexOf('=');
  if (eq === -1) {
    const key = trimOws(text);
    return !valueRequired && TOKEN.test(key) ? { key, value: undefined } : undefined;
  }
  const key = trimOws(text.slice(0, eq));
  const value = trimOws(text.slice(eq + 1));
  return TOKEN.test(key) && VALUE.test(value) ? { key, value } : undefined;
}

/** Normalise a properties string (`;`-separated); undefined if any property is malformed. */
export function normaliseProperties(parts: readonly string[]): string | undefined {
  const out: string[] = [];
  for (const part of parts) {
    const property = normaliseProperty(part);
    if (property === undefined) return undefined;
    out.push(property);
  }
  return out.join(';');
}

function normaliseProperty(text: string): string | undefined {
  const pair = parsePair(text, false);
  if (!pair) return undefined;
  return pair.value === undefined ? pair.key : `${pair.key}=${pair.value}`;
}

/**
 * The properties of a member, `text[from, to)` (after its first `;`), normalised; undefined at the
 * first malformed one, without reading further (`a=b;;;;…` costs one property, not one per `;`).
 */
function propertiesIn(text: string, from: number, to: number): string | undefined {
  let out = '';
  let start = from;
  for (;;) {
    let end = start;
    while (end < to && text.charCodeAt(end) !== 0x3b) end++;
    const property = normaliseProperty(text.slice(start, end));
    if (property === undefined) return undefined;
    out = out === '' ? property : `${out};${property}`;
    if (end === to) return out;
    start = end + 1;
  }
}

// ignoreBOM: a value that starts with U+FEFF keeps it (it is a character here, not a byte-order mark).
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/** Percent-decode; byte sequences that are not UTF-8 become U+FFFD, as the spec requires. */
export function decodeBaggageValue(value: string): string {
  if (!value.includes('%')) return value;
  const bytes = new Uint8Array(value.length);
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x25 && i + 2 < value.length) {
      const high = hexValue(value.charCodeAt(i + 1));
      const low = hexValue(value.charCodeAt(i + 2));
      if (high !== -1 && low !== -1) {
        bytes[n++] = (high << 4) | low;
        i += 2;
        continue;
      }
    }
    // A valid value is baggage-octets (ASCII) only; & 0xff as before for anything else.
    bytes[n++] = code & 0xff;
  }
  return utf8.decode(bytes.subarray(0, n));
}

/** Percent-encode everything outside baggage-octet, and `%` itself. Lone surrogates become U+FFFD. */
export function encodeBaggageValue(value: string): string {
  if (UNENCODED.test(value)) return value;
  let out = '';
  for (const byte of utf8Encoder.encode(value)) {
    out +=
      isBaggageOctet(byte) && byte !== 0x25
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function serializeMember(key: string, encodedValue: string, properties: string | undefined): string {
  return properties ? `${key}=${encodedValue};${properties}` : `${key}=${encodedValue}`;
}

/**
 * Keeps whole members while the baggage-string stays within {@link MAX_BAGGAGE_BYTES}. A later
 * duplicate key replaces the earlier member. Returns the kept members in order.
 */
export class BaggageBudget<T> {
  private readonly members = new Map<string, { wire: string; item: T }>();
  private wireBytes = 0;

  /** Returns false when the member was dropped for size. */
  add(key: string, wire: string, item: T): boolean {
    const previous = this.members.get(key);
    const wireBytes = this.wireBytes - (previous?.wire.length ?? 0) + wire.length;
    const count = this.members.size - (previous ? 1 : 0) + 1;
    // Members plus the commas between them.
    if (wireBytes + count - 1 > MAX_BAGGAGE_BYTES) return false;
    if (previous) this.members.delete(key);
    this.members.set(key, { wire, item });
    this.wireBytes = wireBytes;
    return true;
  }

  items(): T[] {
    return Array.from(this.members.values(), (m) => m.item);
  }

  wire(): string {
    return Array.from(this.members.values(), (m) => m.wire).join(',');
  }
}

export interface ParseResult {
  readonly members: BaggageMember[];
  readonly malformed: number;
  readonly overLimit: number;
  /** Characters past {@link MAX_BAGGAGE_READ} (to the last comma before it) that were not read. */
  readonly unread: number;
}

/**
 * How much of a combined `baggage` value is read: the limit itself. A baggage-string within 8192
 * bytes is read whole, as the spec requires; in a longer one, only the members that end within its
 * first 8192 characters are read, and the rest is dropped unread (the spec lets a platform drop
 * whole members until what is left is within 8192 bytes). So extracting never costs more than a
 * full, valid 8 KiB header, whatever the header's size or shape (64 KiB of commas took 7 ms).
 */
export const MAX_BAGGAGE_READ = MAX_BAGGAGE_BYTES;

/**
 * Parse a combined `baggage` value. Malformed members are dropped one by one; never throws on input.
 * One pass over the text with `indexOf`: an empty member or a run of `;` allocates nothing.
 */
export function parseBaggage(header: string): ParseResult {
  const budget = new BaggageBudget<BaggageMember>();
  let malformed = 0;
  let overLimit = 0;
  let text = header;
  let unread = 0;
  if (header.length > MAX_BAGGAGE_READ) {
    // Members that end within the first MAX_BAGGAGE_READ characters (a comma may follow at it).
    const cut = header.lastIndexOf(',', MAX_BAGGAGE_READ);
    text = cut === -1 ? '' : header.slice(0, cut);
    unread = header.length - text.length;
  }
  let start = 0;
  for (;;) {
    let end = text.indexOf(',', start);
    if (end === -1) end = text.length;
    const result = parseMember(text, start, end, budget);
    if (result === MALFORMED) malformed++;
    else if (result === OVER_LIMIT) overLimit++;
    if (end === text.length) break;
    start = end + 1;
  }
  return { members: budget.items(), malformed, overLimit, unread };
}

const KEPT = 0;
const EMPTY = 1;
const MALFORMED = 2;
const OVER_LIMIT = 3;

/** One list-member, `text[from, to)`. */
function parseMember(text: string, from: number, to: number, budget: BaggageBudget<BaggageMember>): number {
  while (from < to && isOws(text.charCodeAt(from))) from++;
  while (to > from && isOws(text.charCodeAt(to - 1))) to--;
  if (from === to) return EMPTY;
  // Within the member only: an indexOf could run on through every later member.
  let semi = from;
  while (semi < to && text.charCodeAt(semi) !== 0x3b) semi++;
  const pair = parsePair(text.slice(from, semi), true);
  if (!pair || pair.value === undefined) return MALFORMED;
  let properties: string | undefined;
  if (semi < to) {
    properties = propertiesIn(text, semi + 1, to);
    if (properties === undefined) return MALFORMED;
  }
  const member: BaggageMember = {
    key: pair.key,
    value: decodeBaggageValue(pair.value),
    ...(properties ? { properties } : {}),
  };
  return budget.add(pair.key, serializeMember(pair.key, pair.value, properties), member) ? KEPT : OVER_LIMIT;
}

export interface SerializeResult {
  readonly header: string;
  readonly dropped: number;
}

/** Serialise entries; invalid keys are dropped, invalid properties are left off. */
export function serializeBaggage(
  entries: Iterable<readonly [string, { value: string; properties: string | undefined }]>,
): SerializeResult {
  const budget = new BaggageBudget<null>();
  let dropped = 0;
  for (const [key, entry] of entries) {
    if (!TOKEN.test(key) || typeof entry.value !== 'string') {
      dropped++;
      continue;
    }
    const properties =
      entry.properties === undefined || trimOws(entry.properties) === ''
        ? undefined
        : normaliseProperties(entry.properties.split(';'));
    if (!budget.add(key, serializeMember(key, encodeBaggageValue(entry.value), properties), null)) dropped++;
  }
  return { header: budget.wire(), dropped };
}
