import type { TextMapGetter } from '@opentelemetry/api';

/**
 * Set on a getter whose carriers never hold a header name in another case than lowercase (Node's
 * `IncomingMessage.headers`), or that finds the other cases itself (../context/carrier.ts): a
 * lookup that misses is then final, with no scan of the carrier's keys. The default getter cannot promise that (plain objects may hold `X-B3-TraceId`). Without
 * the hint each of the three extractors (tracecontext, baggage, B3) lower-cased every header name
 * of every request whose headers lacked its fields, a visible share of an unsampled request's
 * server CPU (measured runs: docs/performance.md).
 */
export const LOWERCASE_KEYS = Symbol.for('@acme/otel/lowercase-keys');

/** The getter for Node's incoming `request.headers` (names already lowercase). */
export const nodeHeadersGetter: TextMapGetter<Record<string, string | string[] | undefined>> & {
  readonly [LOWERCASE_KEYS]: true;
} = {
  get: (carrier, key) => carrier[key],
  keys: (carrier) => Object.keys(carrier),
  [LOWERCASE_KEYS]: true,
};

/** Marks a header that is present but unusable: repeated, or not a string. */
export const INVALID = Symbol('invalid header');
export type HeaderValues = readonly string[] | undefined | typeof INVALID;

/**
 * Reads headers for one extract call. Names are looked up lowercase through the getter first
 * (Node and fetch carriers are already case-insensitive); only on a miss are the carrier's keys
 * scanned once, so plain-object carriers with `X-B3-TraceId` still work.
 */
export class HeaderReader<Carrier> {
  private lowerKeys: Map<string, string[]> | undefined;

  constructor(
    private readonly getter: TextMapGetter<Carrier>,
    private readonly carrier: Carrier,
  ) {}

  /** Every value of `name` (lowercase). `undefined` when absent. */
  all(name: string): HeaderValues {
    const direct = normalise(this.getter.get(this.carrier, name));
    if (direct !== undefined) return direct;
    if ((this.getter as { [LOWERCASE_KEYS]?: boolean })[LOWERCASE_KEYS] === true) return undefined;
    const keys = this.keyIndex().get(name);
    if (keys === undefined) return undefined;
    const values: string[] = [];
    for (const key of keys) {
      const got = normalise(this.getter.get(this.carrier, key));
      if (got === INVALID) return INVALID;
      // A loop, not push(...got): a carrier's array of some 100,000 values overflows the stack.
      if (got !== undefined) for (const value of got) values.push(value);
    }
    return values.length === 0 ? undefined : values;
  }

  /** Exactly one value of `name`: absent, the value, or INVALID when repeated. */
  one(name: string): string | undefined | typeof INVALID {
    const values = this.all(name);
    if (values === undefined || values === INVALID) return values;
    return values.length === 1 ? values[0] : INVALID;
  }

  private keyIndex(): Map<string, string[]> {
    if (this.lowerKeys) return this.lowerKeys;
    const index = new Map<string, string[]>();
    const keys: unknown = this.getter.keys(this.carrier);
    if (Array.isArray(keys)) {
      for (const key of keys) {
        if (typeof key !== 'string') continue;
        const lower = key.toLowerCase();
        if (lower === key) continue; // already tried by the direct lookup
        const list = index.get(lower);
        if (list) list.push(key);
        else index.set(lower, [key]);
      }
    }
    this.lowerKeys = index;
    return index;
  }
}

/**
 * Several values of one header joined with commas, as one list (RFC 7230 §3.2.2), until past
 * `limit` characters: what follows is never read. A carrier's array of values (a message's
 * headers) was joined whole before the baggage and tracestate limits applied: 1,000 full 8 KiB
 * baggage values took 21 ms, 100,000 short ones 13 ms, for 8 KiB read.
 */
export function joinWithin(values: readonly string[], limit: number): string {
  let header = values[0] ?? '';
  for (let i = 1; i < values.length && header.length <= limit; i++) header = `${header},${values[i]}`;
  return header;
}

function normalise(raw: unknown): HeaderValues {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') return [raw];
  if (Array.isArray(raw)) {
    if (raw.length === 0) return undefined;
    return raw.every((v) => typeof v === 'string') ? (raw as string[]) : INVALID;
  }
  return INVALID;
}

/**
 * Strip HTTP optional whitespace (RFC 7230 OWS: SP / HTAB) from both ends. A loop, not the regex
 * `/^[ \t]+|[ \t]+$/g`: that one retries `[ \t]+$` from every blank of an inner run, so a header
 * such as `a` + 16,000 spaces + `b` (within Node's header limit) took 106 ms per call.
 */
export function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start++;
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/** Optional whitespace (RFC 7230 §3.2.3): space or horizontal tab. */
export function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}
