// What extracting costs on hostile `baggage` and `tracestate` headers (issue 20: no input stalls the
// service). Both were parsed with `split`, a string per list-member, empty ones included, and the
// baggage parser also split each member at every `;` and sliced at every `%`: with the header limit
// raised to 64 KiB (`--max-http-header-size`), 64 KiB of commas took 7 ms per request and 64 KiB of
// `;` 6.8 ms, for no member at all; tracestate's 64 KiB of commas 2.7 ms. Now a baggage header is
// read up to 8192 characters (the spec's limit) and a tracestate up to 32 KiB, each in one pass
// that allocates nothing for empty members, so no header costs more than a full, valid one.
// A carrier's array of values (a message's headers, not Node's) was joined whole before either
// limit applied: 256 KiB of baggage values cost 2.4-2.8x a valid header, of tracestate values 17x.
import { propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_BAGGAGE_READ } from '../../../src/propagation/baggage-codec.js';
import { StrictBaggagePropagator } from '../../../src/propagation/baggage-propagator.js';
import { StrictTraceContextPropagator } from '../../../src/propagation/trace-context-propagator.js';
import { MAX_TRACE_STATE_READ } from '../../../src/propagation/trace-state.js';
import { extract, type Headers, resetGlobals, spanContextOf } from './support.js';

const baggage = new StrictBaggagePropagator();
const traceContext = new StrictTraceContextPropagator();
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

beforeEach(resetGlobals);

function keys(headers: Headers): string[] {
  return (propagation.getBaggage(extract(baggage, headers))?.getAllEntries() ?? []).map(([k]) => k);
}

function traceState(tracestate: string): string | undefined {
  return spanContextOf(
    extract(traceContext, { traceparent: TRACEPARENT, tracestate }),
  )?.traceState?.serialize();
}

describe('baggage past 8192 characters', () => {
  it('reads the members that end within the first 8192 characters and drops the rest unread', () => {
    const padding = ' ,'.repeat(MAX_BAGGAGE_READ);
    expect(keys({ baggage: `a=1,${padding}z=1` })).toEqual(['a']);
    // Several headers are one list: the limit applies to the whole of it.
    expect(keys({ baggage: ['a=1', 'b=2', `c=${'v'.repeat(MAX_BAGGAGE_READ)}`, 'd=4'] })).toEqual(['a', 'b']);
  });

  it('stops at the first malformed property of a member, however many follow', () => {
    expect(keys({ baggage: `a=b${';'.repeat(4000)},c=d` })).toEqual(['c']);
    expect(keys({ baggage: `a=b;p=q;${'x y;'.repeat(1000)},c=d` })).toEqual(['c']);
  });

  it('decodes percent escapes as before', () => {
    const got = propagation.getBaggage(extract(baggage, { baggage: 'a=%41%4a%4A%zz%4,b=%,c=%E2%9C%93' }));
    expect(got?.getAllEntries().map(([k, e]) => [k, e.value])).toEqual([
      ['a', 'AJJ%zz%4'],
      ['b', '%'],
      ['c', '✓'],
    ]);
  });
});

describe('tracestate past 32 KiB', () => {
  it('keeps a long header padded with empty members within 32 KiB, and discards a longer one whole', () => {
    const members = 'a=1,b=2';
    const pad = (length: number) => ` ,${' '.repeat(length - members.length - 2)}`;
    expect(traceState(`${members}${pad(MAX_TRACE_STATE_READ)}`)).toBe('a=1,b=2');
    expect(traceState(`${members}${pad(MAX_TRACE_STATE_READ + 1)}`)).toBeUndefined();
  });

  it('skips empty and whitespace-only members and finds `=` only within its member', () => {
    expect(traceState(' , a=1 ,,\t,b=2, c ,d=,=e, f=3 ')).toBe('a=1,b=2,f=3');
  });
});

/** Best time (ms) of up to `runs` extracts, stopping after a second. */
function bestMs(fn: () => void, runs = 15): number {
  let best = Number.POSITIVE_INFINITY;
  const deadline = performance.now() + 1000;
  for (let r = 0; r < runs && (r === 0 || performance.now() < deadline); r++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

// The yardsticks are the most a valid header makes the parser do: 8 KiB of short baggage members
// (~1,000, all kept), and 32 tracestate members of 256-character keys and values. A hostile header
// of 64 or 256 KiB must cost no more than twice that, measured again once if the bound is missed.
// Before the change these ratios were 4-5x (baggage) and ~15x (tracestate) at 64 KiB, and four
// times that at 256 KiB.
describe('no header costs more than a full, valid one', () => {
  const validBaggage = Array.from({ length: 2000 }, (_, i) => `k${i}=v`)
    .join(',')
    .slice(0, MAX_BAGGAGE_READ)
    .replace(/,[^,]*$/, '');
  const validTraceState = Array.from(
    { length: 32 },
    (_, i) => `k${i}${'a'.repeat(250)}=${'v'.repeat(256)}`,
  ).join(',');

  const baggageShapes: Array<[string, (size: number) => string | string[]]> = [
    ['commas', (n) => ','.repeat(n)],
    ['whitespace members', (n) => ' ,'.repeat(n / 2)],
    ['semicolons', (n) => `a=b${';'.repeat(n)}`],
    ['percent signs', (n) => `a=${'%'.repeat(n)}`],
    ['percent escapes', (n) => `a=${'%41'.repeat(n / 3)}`],
    ['properties', (n) => `a=b;${'p=q;'.repeat(n / 4)}`],
    ['one key repeated', (n) => 'a=b,'.repeat(n / 4)],
    ['distinct members', (n) => Array.from({ length: n / 6 }, (_, i) => `k${i}=v`).join(',')],
    ['equals signs', (n) => '='.repeat(n)],
    // A carrier's array of values (a message's headers): they were all joined before the limit
    // applied, 100,000 of them in 13 ms and 1,000 full 8 KiB ones in 21 ms.
    ['an array of one-member values', (n) => new Array<string>(n / 4).fill('a=b')],
    [
      'an array of full values',
      (n) => new Array<string>(Math.ceil(n / validBaggage.length)).fill(validBaggage),
    ],
  ];
  const traceStateShapes: Array<[string, (size: number) => string | string[]]> = [
    ['commas', (n) => ','.repeat(n)],
    [
      'an array of full values',
      (n) => new Array<string>(Math.ceil(n / validTraceState.length)).fill(validTraceState),
    ],
    ['whitespace members', (n) => ' ,'.repeat(n / 2)],
    ['members without =', (n) => `${'a,'.repeat(31)}${'b'.repeat(n)}`],
  ];

  const within = (measure: () => number): number => {
    const first = measure();
    return first <= 2 ? first : measure();
  };

  it.each(baggageShapes)('baggage: %s', (_name, shape) => {
    for (const size of [65536, 262144]) {
      const hostile = { baggage: shape(size) };
      const ratio = within(
        () =>
          bestMs(() => extract(baggage, hostile)) / bestMs(() => extract(baggage, { baggage: validBaggage })),
      );
      if (process.env.HEADER_RATIOS) console.log('baggage', _name, size, ratio.toFixed(2));
      expect(ratio, `${size} bytes against a valid 8 KiB header`).toBeLessThanOrEqual(2);
    }
  });

  it.each(traceStateShapes)('tracestate: %s', (_name, shape) => {
    for (const size of [65536, 262144]) {
      const hostile = { traceparent: TRACEPARENT, tracestate: shape(size) };
      const valid = { traceparent: TRACEPARENT, tracestate: validTraceState };
      const ratio = within(
        () => bestMs(() => extract(traceContext, hostile)) / bestMs(() => extract(traceContext, valid)),
      );
      if (process.env.HEADER_RATIOS) console.log('tracestate', _name, size, ratio.toFixed(2));
      expect(ratio, `${size} bytes against 32 full-size members`).toBeLessThanOrEqual(2);
    }
  });
});

describe('carriers from application code: huge arrays and throwing getters', () => {
  // Message headers (a queue's, a framework's) are plain objects of any case and any size, not
  // Node's capped, lower-cased `request.headers`.
  const many = (value: string) => new Array<string>(200_000).fill(value);

  it('a mixed-case header repeated 200,000 times: the traceparent and the first members are kept', () => {
    const headers = { Traceparent: TRACEPARENT, Tracestate: many('k=v'), Baggage: many('a=b') };
    const sc = spanContextOf(extract(traceContext, headers));
    expect(sc?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(sc?.traceState).toBeUndefined(); // past 32 KiB: dropped whole
    expect(keys(headers)).toEqual(['a']);
  });

  it('a getter that throws on tracestate loses the tracestate, not the trace', () => {
    const carrier = { traceparent: TRACEPARENT, tracestate: 'a=1' };
    const ctx = traceContext.extract(ROOT_CONTEXT, carrier, {
      get(c, key) {
        if (key === 'tracestate') throw new Error('hostile getter');
        return c[key as keyof typeof c];
      },
      keys: (c) => Object.keys(c),
    });
    const sc = spanContextOf(ctx);
    expect(sc?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(sc?.traceState).toBeUndefined();
  });
});
