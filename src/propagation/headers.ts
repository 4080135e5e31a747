import type { TextMapGetter } from '@opentelemetry/api';

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
    const keys = this.keyIndex().get(name);
    if (keys === undefined) return undefined;
    const values: string[] = [];
    for (const key of keys) {
      const got = normalise(this.getter.get(this.carrier, key));
      if (got === INVALID) return INVALID;
      if (got !== undefined) values.push(...got);
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

function normalise(raw: unknown): HeaderValues {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') return [raw];
  if (Array.isArray(raw)) {
    if (raw.length === 0) return undefined;
    return raw.every((v) => typeof v === 'string') ? (raw as string[]) : INVALID;
  }
  return INVALID;
}

/** Strip HTTP optional whitespace (RFC 7230 OWS: SP / HTAB) from both ends. */
export function trimOws(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}
