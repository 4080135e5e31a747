import type { BaggageEntry, Context } from '@opentelemetry/api';
import { baggageEntryMetadataFromString, context, propagation } from '@opentelemetry/api';
import { log } from '../diag/index.js';
import { errorMessage } from '../errors.js';
import { quoted } from '../util/quote.js';

/**
 * W3C Baggage limits (https://www.w3.org/TR/baggage/#limits): at most 64 list-members and 8192
 * bytes for the whole header; 4096 bytes per list-member as in the earlier drafts and
 * opentelemetry-js core. Entries beyond them are dropped here, when set, instead of being
 * silently lost by a propagator or a proxy later.
 */
export const BAGGAGE_LIMITS = Object.freeze({ maxEntries: 64, maxTotalBytes: 8192, maxEntryBytes: 4096 });

// RFC 7230 token: the W3C baggage key grammar.
const KEY = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A value, or `{ value, metadata }`; `undefined` removes the key. */
export type BaggageValue = string | number | boolean | { value: string; metadata?: string } | undefined;

function memberBytes(key: string, entry: BaggageEntry): number {
  // What W3CBaggagePropagator writes: key=encodeURIComponent(value)[;metadata]. Percent-encoded
  // text is ASCII, so its length is its byte count.
  const meta = entry.metadata?.toString();
  return key.length + 1 + encodeURIComponent(entry.value).length + (meta ? meta.length + 1 : 0);
}

/**
 * Return a context with the given baggage entries merged into the existing baggage of `ctx`
 * (the current context by default). Invalid keys and entries over the W3C limits are dropped
 * with a warning. Baggage travels to every downstream service: never put secrets in it.
 *
 * @example
 * import { context } from '@opentelemetry/api';
 * import { getBaggage, setBaggage } from '@acme/otel';
 *
 * const ctx = setBaggage({ 'tenant.id': 'acme', 'request.priority': 'high' });
 * context.with(ctx, () => getBaggage('tenant.id')); // 'acme'; also sent in the `baggage` header
 */
export function setBaggage(entries: Record<string, BaggageValue>, ctx: Context = context.active()): Context {
  const validContext = isContext(ctx);
  if (!validContext || entries === null || typeof entries !== 'object' || Array.isArray(entries)) {
    // `setBaggage('tenant.id', 'acme')` threw `context2.getValue is not a function`, and a string
    // alone set one entry per character ("0", "1", …). The context comes back unchanged.
    const given = validContext ? kindOf(entries) : `${kindOf(entries)} and ${kindOf(ctx)} for the context`;
    log.warnOnce(
      `baggage/arguments/${given}`,
      `setBaggage takes an object of entries and an optional context, as setBaggage({ 'tenant.id': 'acme' }), but was given ${given}; no baggage was set.`,
      'setBaggage arguments',
    );
    return validContext ? ctx : context.active();
  }
  // One Map, one Baggage at the end: setEntry and removeEntry each copy the whole baggage, so
  // 1,000 entries given took 120 ms and 4,000 took 1.3 s (a map an app forwards from a request).
  const merged = new Map(propagation.getBaggage(ctx)?.getAllEntries());
  for (const key of Object.keys(entries)) {
    let raw: BaggageValue;
    try {
      raw = entries[key];
    } catch (error) {
      log.warnOnce(
        `baggage/read/${key}`,
        `baggage entry ${quoted(key)} dropped: its value could not be read (${errorMessage(error)}).`,
        'baggage values that are not text',
      );
      continue;
    }
    if (raw === undefined) {
      merged.delete(key);
      continue;
    }
    if (!KEY.test(key)) {
      log.warnOnce(
        `baggage/key/${key}`,
        `baggage key ${quoted(key)} is not a valid W3C token; entry dropped.`,
        'invalid baggage keys',
      );
      continue;
    }
    const entry = toEntry(key, raw);
    if (entry !== undefined) merged.set(key, entry);
  }
  enforceLimits(merged);
  const kept: Record<string, BaggageEntry> = Object.create(null);
  for (const [key, entry] of merged) kept[key] = entry;
  return propagation.setBaggage(ctx, propagation.createBaggage(kept));
}

/**
 * The entry for a value, or undefined (with a warning naming the key) for a value that has no
 * text form: `null` crashed here, and a Date, an array or `{ value: 5 }` became an entry whose
 * value was not a string, dropped without a word by one propagator and sent as `k=undefined` by
 * another. Metadata that is not a string is left out, with a warning, instead of becoming `;`.
 */
function toEntry(key: string, raw: unknown): BaggageEntry | undefined {
  const type = typeof raw;
  if (type === 'string' || type === 'number' || type === 'boolean' || type === 'bigint') {
    return { value: String(raw) };
  }
  const { value, metadata } = (raw ?? {}) as { value?: unknown; metadata?: unknown };
  if (raw === null || type !== 'object' || typeof value !== 'string') {
    log.warnOnce(
      `baggage/value/${key}`,
      `baggage entry ${quoted(key)} dropped: its value is ${kindOf(raw)}, not a string, number, boolean or { value: string }.`,
      'baggage values that are not text',
    );
    return undefined;
  }
  if (metadata === undefined) return { value };
  if (typeof metadata === 'string') return { value, metadata: baggageEntryMetadataFromString(metadata) };
  log.warnOnce(
    `baggage/metadata/${key}`,
    `baggage entry ${quoted(key)}: its metadata is ${kindOf(metadata)}, not a string; the entry is kept without it.`,
    'baggage values that are not text',
  );
  return { value };
}

function isContext(value: unknown): value is Context {
  return value !== null && typeof value === 'object' && typeof (value as Context).getValue === 'function';
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a Date';
  if (typeof value === 'object')
    return typeof (value as { value?: unknown }).value === 'undefined'
      ? 'an object without a value'
      : `an object whose value is a ${typeof (value as { value?: unknown }).value}`;
  return `a ${typeof value}`;
}

/** Deletes from `entries` those over the W3C limits, each named once. */
function enforceLimits(entries: Map<string, BaggageEntry>): void {
  let count = 0;
  let total = 0;
  for (const [key, entry] of entries) {
    const bytes = memberBytes(key, entry);
    let reason: string | undefined;
    if (bytes > BAGGAGE_LIMITS.maxEntryBytes)
      reason = `it is ${bytes} bytes (limit ${BAGGAGE_LIMITS.maxEntryBytes})`;
    else if (count + 1 > BAGGAGE_LIMITS.maxEntries)
      reason = `baggage already holds ${BAGGAGE_LIMITS.maxEntries} entries`;
    else if (total + bytes + (count > 0 ? 1 : 0) > BAGGAGE_LIMITS.maxTotalBytes) {
      reason = `baggage would exceed ${BAGGAGE_LIMITS.maxTotalBytes} bytes`;
    }
    if (reason !== undefined) {
      log.warnOnce(
        `baggage/limit/${key}`,
        `baggage entry ${quoted(key)} dropped: ${reason} (W3C Baggage limits).`,
        'baggage entries over the W3C limits',
      );
      entries.delete(key);
      continue;
    }
    count += 1;
    total += bytes + (count > 1 ? 1 : 0);
  }
}

/**
 * Read one baggage value from `ctx` (the current context by default).
 *
 * @example
 * import { getBaggage } from '@acme/otel';
 *
 * const tenant = getBaggage('tenant.id') ?? 'default';
 */
export function getBaggage(key: string, ctx: Context = context.active()): string | undefined {
  return propagation.getBaggage(ctx)?.getEntry(key)?.value;
}

/**
 * All baggage entries of `ctx` (the current context by default) as a plain object.
 *
 * @example
 * import { getAllBaggage } from '@acme/otel';
 *
 * console.log(getAllBaggage()); // { 'tenant.id': 'acme', ... }
 */
export function getAllBaggage(ctx: Context = context.active()): Record<string, string> {
  const out: Record<string, string> = {};
  const baggage = propagation.getBaggage(ctx);
  if (!baggage) return out;
  for (const [key, entry] of baggage.getAllEntries()) {
    // `out.__proto__ = value` sets no property: an entry `__proto__` (a valid W3C key, which any
    // client can send) was left out, though it still travels downstream.
    if (key === '__proto__')
      Object.defineProperty(out, key, {
        value: entry.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[key] = entry.value;
  }
  return out;
}

/**
 * Run `fn` with the given baggage entries added to the current context.
 *
 * @example
 * import { getBaggage, withBaggage } from '@acme/otel';
 *
 * await withBaggage({ 'tenant.id': 'acme' }, async () => getBaggage('tenant.id')); // 'acme'
 */
export function withBaggage<T>(entries: Record<string, BaggageValue>, fn: () => T): T {
  return context.with(setBaggage(entries), fn);
}
