import type { TraceState } from '@opentelemetry/api';
import { trimOws } from './headers.js';

/** W3C Trace Context: at most 32 list-members. */
export const MAX_TRACE_STATE_MEMBERS = 32;

const CHARS = '[a-z0-9_\\-*/]';
const SIMPLE_KEY = `[a-z]${CHARS}{0,255}`;
const TENANT_KEY = `[a-z0-9]${CHARS}{0,240}@[a-z]${CHARS}{0,13}`;
const KEY = new RegExp(`^(?:${SIMPLE_KEY}|${TENANT_KEY})$`);
// value = 0*255(chr) nblk-chr; chr = %x20 / nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

export function isTraceStateKey(key: string): boolean {
  return KEY.test(key);
}

export function isTraceStateValue(value: string): boolean {
  return VALUE.test(value);
}

/**
 * An immutable tracestate whose members are always valid. Unlike upstream `TraceState`, parsing
 * never repairs: one bad member, a duplicate key or more than 32 members and the whole header is
 * discarded, as the spec asks (w3c trace-context §3.3.1.5 "Mutating the tracestate"; a vendor that
 * cannot parse it must not propagate a partial copy).
 */
export class StrictTraceState implements TraceState {
  private constructor(private readonly members: ReadonlyMap<string, string>) {}

  static empty(): StrictTraceState {
    return new StrictTraceState(new Map());
  }

  /** Parse a combined `tracestate` value; undefined when it is invalid (or has no members). */
  static parse(header: string): StrictTraceState | undefined {
    const members = new Map<string, string>();
    for (const raw of header.split(',')) {
      const member = trimOws(raw);
      if (member === '') continue; // empty list-members are allowed and ignored
      const eq = member.indexOf('=');
      if (eq <= 0) return undefined;
      const key = member.slice(0, eq);
      const value = member.slice(eq + 1);
      if (!KEY.test(key) || !VALUE.test(value) || members.has(key)) return undefined;
      members.set(key, value);
      if (members.size > MAX_TRACE_STATE_MEMBERS) return undefined;
    }
    return members.size === 0 ? undefined : new StrictTraceState(members);
  }

  get size(): number {
    return this.members.size;
  }

  get(key: string): string | undefined {
    return this.members.get(key);
  }

  /** Adds or updates `key`, moving it to the front; invalid keys or values leave the state unchanged. */
  set(key: string, value: string): StrictTraceState {
    if (!KEY.test(key) || !VALUE.test(value)) return this;
    const next = new Map<string, string>([[key, value]]);
    for (const [k, v] of this.members) {
      if (k !== key && next.size < MAX_TRACE_STATE_MEMBERS) next.set(k, v);
    }
    return new StrictTraceState(next);
  }

  unset(key: string): StrictTraceState {
    if (!this.members.has(key)) return this;
    const next = new Map(this.members);
    next.delete(key);
    return new StrictTraceState(next);
  }

  serialize(): string {
    return Array.from(this.members, ([k, v]) => `${k}=${v}`).join(',');
  }
}
