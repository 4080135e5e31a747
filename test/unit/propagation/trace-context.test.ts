import {
  context,
  createTraceState,
  INVALID_SPAN_CONTEXT,
  propagation,
  ROOT_CONTEXT,
  trace,
} from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trimOws } from '../../../src/propagation/headers.js';
import { StrictTraceContextPropagator } from '../../../src/propagation/trace-context-propagator.js';
import {
  isTraceStateKey,
  isTraceStateValue,
  StrictTraceState,
} from '../../../src/propagation/trace-state.js';
import { getTracingHandle, initTracing } from '../../../src/sdk/init.js';
import { extract, type Headers, inject, resetGlobals, spanContextOf, withSpanContext } from './support.js';

const T = '0af7651916cd43dd8448eb211c80319c';
const S = 'b7ad6b7169203331';
const VALID = `00-${T}-${S}-01`;
const propagator = new StrictTraceContextPropagator();

beforeEach(resetGlobals);

// Cases from the W3C trace-context test suite (test/test.py) and the Level 2 text.
const invalidTraceparents: [string, Headers][] = [
  ['too short', { traceparent: `00-${T}-${S}-0` }],
  ['too long for version 00 (trailing junk)', { traceparent: `${VALID}-what-the-future-will-be-like` }],
  ['trailing character for version 00', { traceparent: `${VALID}.` }],
  ['uppercase trace id', { traceparent: `00-${T.toUpperCase()}-${S}-01` }],
  ['uppercase span id', { traceparent: `00-${T}-${S.toUpperCase()}-01` }],
  ['uppercase flags', { traceparent: `00-${T}-${S}-0A` }],
  ['uppercase version', { traceparent: `0A-${T}-${S}-01` }],
  ['all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-${S}-01` }],
  ['all-zero span id', { traceparent: `00-${T}-${'0'.repeat(16)}-01` }],
  ['version ff', { traceparent: `ff-${T}-${S}-01` }],
  ['bad separator', { traceparent: `00_${T}-${S}-01` }],
  ['separators swapped for dots', { traceparent: `00.${T}.${S}.01` }],
  ['non-hex trace id', { traceparent: `00-${T.slice(0, 31)}g-${S}-01` }],
  ['short trace id', { traceparent: `00-${T.slice(1)}-${S}-01` }],
  ['future version without dash after flags', { traceparent: `cc-${T}-${S}-01x` }],
  ['several traceparent headers', { traceparent: [VALID, `00-${'1'.repeat(32)}-${S}-01`] }],
  ['empty', { traceparent: '' }],
];

describe('traceparent extract (strict)', () => {
  it.each(invalidTraceparents)('%s: starts a new trace (context unchanged)', (_name, headers) => {
    const ctx = extract(propagator, { ...headers, tracestate: 'foo=bar' });
    expect(ctx).toBe(ROOT_CONTEXT);
  });

  it('valid version 00', () => {
    const sc = spanContextOf(extract(propagator, { traceparent: VALID }));
    expect(sc).toEqual({ traceId: T, spanId: S, traceFlags: 1, isRemote: true });
  });

  it('a future version keeps its first four fields and ignores what follows a dash', () => {
    for (const tp of [`cc-${T}-${S}-01`, `cc-${T}-${S}-01-what-the-future-will-be-like`]) {
      expect(spanContextOf(extract(propagator, { traceparent: tp }))).toMatchObject({
        traceId: T,
        spanId: S,
      });
    }
  });

  it('keeps the random flag (0x02) and writes it back as two lowercase hex digits', () => {
    const ctx = extract(propagator, { traceparent: `00-${T}-${S}-03` });
    expect(spanContextOf(ctx)?.traceFlags).toBe(3);
    expect(inject(propagator, ctx).traceparent).toBe(`00-${T}-${S}-03`);
    expect(inject(propagator, extract(propagator, { traceparent: `00-${T}-${S}-02` })).traceparent).toBe(
      `00-${T}-${S}-02`,
    );
  });

  it('clears reserved flag bits on inject (the spec says vendors MUST set them to zero)', () => {
    const ctx = extract(propagator, { traceparent: `00-${T}-${S}-ff` });
    expect(spanContextOf(ctx)?.traceFlags).toBe(0xff);
    expect(inject(propagator, ctx).traceparent).toBe(`00-${T}-${S}-03`);
  });

  it('accepts OWS around the value, as an HTTP parser would strip it', () => {
    expect(spanContextOf(extract(propagator, { traceparent: ` \t${VALID}\t ` }))?.traceId).toBe(T);
  });

  it('a single-element array is one header', () => {
    expect(spanContextOf(extract(propagator, { traceparent: [VALID] }))?.traceId).toBe(T);
  });

  it('finds mixed-case header names in a plain-object carrier', () => {
    expect(spanContextOf(extract(propagator, { TraceParent: VALID, TraceState: 'a=1' }))).toMatchObject({
      traceId: T,
    });
  });
});

// Cases from the Trace Context Level 2 text, spec/20-http_request_header_format.md, by section:
// §3.3.2 tracestate Header Field Values, §3.3.2.1 list, §3.3.2.2.1 Key, §3.3.2.2.2 Value,
// §3.5 Mutating the tracestate Field, and the processing model ("Invalid tracestate entries MAY
// also be discarded"). A bad member costs only itself; the rest of the header is inherited.
describe('tracestate (Level 2: invalid members dropped one by one)', () => {
  const stateOf = (tracestate: string | string[]) =>
    spanContextOf(extract(propagator, { traceparent: VALID, tracestate }))?.traceState?.serialize();

  describe('§3.3.2.2.1 key = ( lcalpha / DIGIT ) 0*255 ( keychar ), keychar includes "@"', () => {
    it.each([
      ['an "@" at the end (foo@=1)', 'foo@=1,bar=2', 'foo@=1,bar=2'],
      ['a tenant@vendor key', 'tenant@vendor=x,bar=2', 'tenant@vendor=x,bar=2'],
      ['a key starting with a digit', '1foo=bar,ok=1', '1foo=bar,ok=1'],
      ['a digit-only key', '42=x', '42=x'],
      [
        'a vendor part of 15 characters (Level 1 allowed 14)',
        `t@${'v'.repeat(15)}=1`,
        `t@${'v'.repeat(15)}=1`,
      ],
      [
        'a tenant part of 242 characters (Level 1 allowed 241)',
        `${'t'.repeat(242)}@v=1`,
        `${'t'.repeat(242)}@v=1`,
      ],
      ['several "@"', 'foo@@bar=1,foo@bar@baz=2', 'foo@@bar=1,foo@bar@baz=2'],
      [
        'every keychar',
        'abcdefghijklmnopqrstuvwxyz0123456789_-*/@=1',
        'abcdefghijklmnopqrstuvwxyz0123456789_-*/@=1',
      ],
    ])('keeps %s', (_name, header, expected) => {
      expect(stateOf(header)).toBe(expected);
    });

    it('keeps a 256-character key and drops only a 257-character one', () => {
      const k256 = `z${'0'.repeat(255)}`;
      expect(stateOf(`${k256}=1,foo=1`)).toBe(`${k256}=1,foo=1`);
      expect(stateOf(`foo=1,${k256}0=1,bar=2`)).toBe('foo=1,bar=2');
      // As separate header fields too (§3.3.2: combined as one list).
      expect(stateOf(['foo=1', `${'z'.repeat(257)}=1`])).toBe('foo=1');
    });

    it.each([
      ['a key starting with "@"', '@foo=1,bar=2'],
      ['a key starting with "_"', '_foo=1,bar=2'],
      ['an uppercase key', 'FOO=1,bar=2'],
      ['a "." in the key', 'foo.bar=1,bar=2'],
      ['blank inside the member, before "="', 'foo =1,bar=2'],
      ['no key', '=1,bar=2'],
      ['no "="', 'foo,bar=2'],
    ])('drops only the member with %s', (_name, header) => {
      expect(stateOf(header)).toBe('bar=2');
    });
  });

  describe('§3.3.2.2.2 value = 0*255(chr) nblk-chr', () => {
    it('keeps every allowed character, and leading spaces as part of the value', () => {
      const value = [
        ...Array.from({ length: 0x2b - 0x20 + 1 }, (_, i) => String.fromCharCode(0x20 + i)),
        ...Array.from({ length: 0x3c - 0x2d + 1 }, (_, i) => String.fromCharCode(0x2d + i)),
        ...Array.from({ length: 0x7e - 0x3e + 1 }, (_, i) => String.fromCharCode(0x3e + i)),
      ].join('');
      expect(value.startsWith(' ')).toBe(true);
      expect(
        spanContextOf(extract(propagator, { traceparent: VALID, tracestate: `k=${value}` }))?.traceState?.get(
          'k',
        ),
      ).toBe(value);
      expect(stateOf('foo=  1,bar=2')).toBe('foo=  1,bar=2');
    });

    it('trailing spaces and tabs are optional whitespace, not part of the value', () => {
      expect(stateOf('foo=1 \t,bar=2\t')).toBe('foo=1,bar=2');
    });

    it('keeps a 256-character value and drops only a 257-character one', () => {
      expect(stateOf(`k=${'v'.repeat(256)},ok=1`)).toBe(`k=${'v'.repeat(256)},ok=1`);
      expect(stateOf(`k=${'v'.repeat(257)},ok=1`)).toBe('ok=1');
    });

    it.each([
      ['an empty value', 'foo=,ok=1'],
      ['a blank value', 'foo= ,ok=1'],
      ['"=" in the value', 'foo=b=r,ok=1'],
      ['a tab inside the value', 'foo=a\tb,ok=1'],
      ['a control character', 'foo=bar\u0001,ok=1'],
      ['DEL (0x7f)', 'foo=bar\u007f,ok=1'],
      ['a non-ASCII character', 'foo=bär,ok=1'],
    ])('drops only the member with %s', (_name, header) => {
      expect(stateOf(header)).toBe('ok=1');
    });
  });

  describe('§3.3.2 list-members, OWS and several header fields', () => {
    it('empty and whitespace-only members are ignored; OWS around members is stripped', () => {
      expect(stateOf('foo=1 \t , \t bar=2, \t baz=3')).toBe('foo=1,bar=2,baz=3');
      expect(stateOf(',foo=bar , ,\t,tenant@vendor=x y,')).toBe('foo=bar,tenant@vendor=x y');
    });

    it('an empty header is accepted and leaves no trace state', () => {
      expect(stateOf('')).toBeUndefined();
      expect(stateOf(' , \t ,')).toBeUndefined();
      expect(stateOf(['foo=1', ''])).toBe('foo=1');
      expect(stateOf(['', 'foo=1'])).toBe('foo=1');
    });

    it('several tracestate header fields are combined in order', () => {
      expect(stateOf(['foo=1,bar=2', 'rojo=1,congo=2', 'baz=3'])).toBe('foo=1,bar=2,rojo=1,congo=2,baz=3');
    });
  });

  describe('§3.3.2.1 at most 32 list-members', () => {
    const members = (n: number) => Array.from({ length: n }, (_, i) => `bar${i + 1}=${i + 1}`);

    it('32 members, over several header fields, are kept', () => {
      expect(stateOf([members(32).slice(0, 10).join(','), members(32).slice(10).join(',')])).toBe(
        members(32).join(','),
      );
      // Empty members are not list entries: they do not count.
      expect(stateOf(`${members(32).join(', ,')},,`)).toBe(members(32).join(','));
    });

    it('33 members are not a valid list: the whole header is discarded, the traceparent stays', () => {
      for (const header of [members(33).join(','), [...members(32), 'Bad=1'].join(',')]) {
        const sc = spanContextOf(extract(propagator, { traceparent: VALID, tracestate: header }));
        expect(sc?.traceId).toBe(T);
        expect(sc?.traceState).toBeUndefined();
      }
    });
  });

  describe('§3.5 duplicate keys: the duplicates MAY be discarded, the rest is inherited', () => {
    it.each([
      ['in one field', 'foo=1,bar=2,foo=3', 'foo=1,bar=2'],
      ['identical entries', 'foo=1,foo=1', 'foo=1'],
      ['over two fields', ['foo=1', 'foo=2'], 'foo=1'],
      ['with other vendors around', ['congo=a,foo=1', 'rojo=b,foo=2,x=y'], 'congo=a,foo=1,rojo=b,x=y'],
    ])('%s: keeps the left-most (latest) entry', (_name, header, expected) => {
      expect(stateOf(header)).toBe(expected);
    });
  });

  it('a bad tracestate never affects the traceparent (§3.3: "MUST NOT affect the parsing of traceparent")', () => {
    for (const tracestate of [
      'Bad=1',
      '=',
      ',,,',
      'foo=1,foo=2',
      Array.from({ length: 40 }, () => 'a=1').join(','),
    ]) {
      expect(spanContextOf(extract(propagator, { traceparent: VALID, tracestate }))).toMatchObject({
        traceId: T,
        spanId: S,
      });
    }
  });

  it('whatever comes in, what is kept is a valid, duplicate-free list of at most 32 input members, in order', () => {
    const keyChar = fc.constantFrom(...'abz09_-*/@A. '.split(''));
    const valueChar = fc.constantFrom(...'a Z9=,\t~!\u0001é'.split(''));
    const member = fc.oneof(
      fc
        .tuple(fc.string({ unit: keyChar, maxLength: 6 }), fc.string({ unit: valueChar, maxLength: 6 }))
        .map(([k, v]) => `${k}=${v}`),
      fc.constantFrom('', ' ', '\t', 'foo=1', 'foo@=2', '1a=3', 'x'),
    );
    fc.assert(
      fc.property(fc.array(member, { maxLength: 40 }), fc.constantFrom(',', ' ,', ', \t'), (members, sep) => {
        const header = members.join(sep);
        const state = StrictTraceState.parse(header);
        if (state === undefined) return;
        const kept = state.serialize().split(',');
        const input = header.split(',').map(trimOws);
        expect(kept.length).toBeLessThanOrEqual(32);
        expect(new Set(kept.map((m) => m.slice(0, m.indexOf('=')))).size).toBe(kept.length);
        let at = 0;
        for (const m of kept) {
          const [key = '', value = ''] = m.split('=');
          expect(isTraceStateKey(key) && isTraceStateValue(value)).toBe(true);
          at = input.indexOf(m, at) + 1; // a member of the input, after the previous one
          expect(at).toBeGreaterThan(0);
        }
        expect(StrictTraceState.parse(state.serialize())?.serialize()).toBe(state.serialize());
      }),
      { numRuns: 500 },
    );
  });

  it('set() takes Level 2 keys and keeps the 32-member limit by dropping from the end', () => {
    const state = StrictTraceState.parse(Array.from({ length: 32 }, (_, i) => `k${i}=v`).join(','));
    const next = state?.set('foo@', '1');
    expect(next?.get('foo@')).toBe('1');
    expect(next?.size).toBe(32);
    expect(next?.get('k31')).toBeUndefined();
    expect(next?.serialize().startsWith('foo@=1,k0=v')).toBe(true);
    expect(next?.set('Bad', '1')).toBe(next);
  });
});

describe('traceparent / tracestate inject', () => {
  it('round trip', () => {
    const ctx = extract(propagator, { traceparent: VALID, tracestate: 'foo=bar,baz=1' });
    expect(inject(propagator, ctx)).toEqual({ traceparent: VALID, tracestate: 'foo=bar,baz=1' });
  });

  it('lowercases ids that reached the span context in uppercase', () => {
    const ctx = withSpanContext({ traceId: T.toUpperCase(), spanId: S.toUpperCase(), traceFlags: 1 });
    expect(inject(propagator, ctx).traceparent).toBe(VALID);
  });

  it('writes nothing for an invalid span context', () => {
    expect(inject(propagator, withSpanContext({ traceId: '0'.repeat(32), spanId: S }))).toEqual({});
    expect(inject(propagator, withSpanContext({ traceId: 'xyz', spanId: S }))).toEqual({});
    expect(inject(propagator, ROOT_CONTEXT)).toEqual({});
  });

  it('drops a trace state that upstream would have accepted but the spec does not', () => {
    const lenient = { ...createTraceState('a=1'), serialize: () => 'A=1' };
    expect(inject(propagator, withSpanContext({ traceId: T, spanId: S, traceState: lenient }))).toEqual({
      traceparent: VALID,
    });
  });

  it('sends on the valid members of a trace state built elsewhere, Level 2 keys included', () => {
    const mixed = { ...createTraceState('a=1'), serialize: () => 'foo@=1,A=1,t@vendorvendorven=2,foo@=3' };
    expect(inject(propagator, withSpanContext({ traceId: T, spanId: S, traceState: mixed }))).toEqual({
      traceparent: VALID,
      tracestate: 'foo@=1,t@vendorvendorven=2',
    });
  });

  it('round trip keeps Level 2 keys', () => {
    const tracestate = `foo@=1,1abc=2,${'k'.repeat(256)}=3`;
    expect(inject(propagator, extract(propagator, { traceparent: VALID, tracestate }))).toEqual({
      traceparent: VALID,
      tracestate,
    });
  });

  it('never throws, whatever the getter or setter does', () => {
    const throwing = {
      get: () => {
        throw new Error('boom');
      },
      keys: () => {
        throw new Error('boom');
      },
      set: () => {
        throw new Error('boom');
      },
    };
    expect(propagator.extract(ROOT_CONTEXT, {}, throwing)).toBe(ROOT_CONTEXT);
    expect(() => propagator.inject(withSpanContext({ traceId: T, spanId: S }), {}, throwing)).not.toThrow();
  });
});

// §3.2.2.5.2 Random Trace ID Flag: "If the flag is set in the incoming traceparent header, it MUST
// also be set in all outgoing traceparent headers which use the same trace-id", sampled or not.
// An unsampled span never reaches a span processor, so before the fix a request arriving as `-02`
// called downstream with `-00`.
describe('random-trace-id flag (0x02) on spans that are not sampled', () => {
  afterEach(async () => {
    await getTracingHandle()?.shutdown();
    resetGlobals();
  });

  function setup(extra: Parameters<typeof initTracing>[0] = {}) {
    const exporter = new InMemorySpanExporter();
    const tracing = initTracing(
      { exporter, handleSignals: false, instrumentations: false, logLevel: 'error', ...extra },
      { OTEL_NODE_RESOURCE_DETECTORS: 'none' },
    );
    return { exporter, tracing };
  }

  /** What a server span and its client child would send downstream, for one incoming traceparent. */
  function outgoing(
    traceparent: string | undefined,
    api: 'startActiveSpan' | 'startSpan' = 'startActiveSpan',
  ) {
    const incoming =
      traceparent === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, { traceparent });
    const tracer = trace.getTracer('server');
    const carrier: Record<string, string> = {};
    let recording = true;
    context.with(incoming, () => {
      if (api === 'startSpan') {
        const server = tracer.startSpan('server');
        const client = tracer.startSpan('client', {}, trace.setSpan(context.active(), server));
        recording = server.isRecording() || client.isRecording();
        propagation.inject(trace.setSpan(ROOT_CONTEXT, client), carrier);
        client.end();
        server.end();
        return;
      }
      tracer.startActiveSpan('server', (server) => {
        tracer.startActiveSpan('client', (client) => {
          recording = server.isRecording() || client.isRecording();
          propagation.inject(context.active(), carrier);
          client.end();
        });
        server.end();
      });
    });
    return { traceparent: carrier.traceparent, recording };
  }

  it('an unsampled caller with flags 02 is called back with 02, through startActiveSpan and startSpan', async () => {
    const { exporter, tracing } = setup();
    for (const api of ['startActiveSpan', 'startSpan'] as const) {
      const out = outgoing(`00-${T}-${S}-02`, api);
      expect(out.recording).toBe(false);
      expect(out.traceparent).toMatch(new RegExp(`^00-${T}-(?!${S})[0-9a-f]{16}-02$`));
    }
    await tracing.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('unset stays unset: an unsampled caller with 00 is called back with 00', () => {
    setup();
    expect(outgoing(`00-${T}-${S}-00`).traceparent).toMatch(new RegExp(`^00-${T}-[0-9a-f]{16}-00$`));
  });

  it('an unsampled root we start has a random id, so it carries 02 (sampled roots carry 03)', () => {
    setup({ sampleRatio: 0 });
    expect(outgoing(undefined).traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-02$/);
  });

  it('the flag also survives a tracer handed to an instrumentation (provider.getTracer)', () => {
    const { tracing } = setup();
    const incoming = propagation.extract(ROOT_CONTEXT, { traceparent: `00-${T}-${S}-02` });
    const span = tracing.getTracer('some-instrumentation').startSpan('x', {}, incoming);
    expect(span.spanContext().traceFlags).toBe(2);
    // A new root under that context: its own random id, sampled by the default ParentBased(AlwaysOn).
    const root = tracing.getTracer('some-instrumentation').startSpan('x', { root: true }, incoming);
    expect(root.spanContext().traceId).not.toBe(T);
    expect(root.spanContext().traceFlags).toBe(3);
  });

  it('suppressed tracing never writes to the shared invalid span context', () => {
    const { tracing } = setup();
    const span = tracing.tracer.startSpan('suppressed', {}, suppressTracing(ROOT_CONTEXT));
    expect(span.spanContext()).toBe(INVALID_SPAN_CONTEXT);
    expect(INVALID_SPAN_CONTEXT.traceFlags).toBe(0);
  });
});
