import { trimOws } from './headers.js';

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
    const pair = parsePair(part, false);
    if (!pair) return undefined;
    out.push(pair.value === undefined ? pair.key : `${pair.key}=${pair.value}`);
  }
  return out.join(';');
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const utf8Encoder = new TextEncoder();

/** Percent-decode; byte sequences that are not UTF-8 become U+FFFD, as the spec requires. */
export function decodeBaggageValue(value: string): string {
  if (!value.includes('%')) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const hex = value.slice(i + 1, i + 3);
    if (value[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(value.charCodeAt(i));
    }
  }
  return utf8.decode(Uint8Array.from(bytes));
}

/** Percent-encode everything outside baggage-octet, and `%` itself. Lone surrogates become U+FFFD. */
export function encodeBaggageValue(value: string): string {
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
}

/** Parse a combined `baggage` value. Malformed members are dropped one by one; never throws on input. */
export function parseBaggage(header: string): ParseResult {
  const budget = new BaggageBudget<BaggageMember>();
  let malformed = 0;
  let overLimit = 0;
  for (const raw of header.split(',')) {
    const [pairText = '', ...propertyParts] = raw.split(';');
    const pair = parsePair(pairText, true);
    const properties = propertyParts.length > 0 ? normaliseProperties(propertyParts) : undefined;
    if (!pair || pair.value === undefined || (propertyParts.length > 0 && properties === undefined)) {
      if (trimOws(raw) !== '') malformed++;
      continue;
    }
    const member: BaggageMember = {
      key: pair.key,
      value: decodeBaggageValue(pair.value),
      ...(properties ? { properties } : {}),
    };
    if (!budget.add(pair.key, serializeMember(pair.key, pair.value, properties), member)) overLimit++;
  }
  return { members: budget.items(), malformed, overLimit };
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
