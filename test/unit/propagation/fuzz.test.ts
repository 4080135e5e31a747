import { ROOT_CONTEXT, type TextMapGetter, type TextMapPropagator, trace } from '@opentelemetry/api';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { StrictB3Propagator } from '../../../src/propagation/b3-propagator.js';
import { StrictBaggagePropagator } from '../../../src/propagation/baggage-propagator.js';
import { createPropagator, DEFAULT_PROPAGATORS } from '../../../src/propagation/create-propagator.js';
import { StrictTraceContextPropagator } from '../../../src/propagation/trace-context-propagator.js';
import { assertValidTraceHeaders, type Headers, inject, resetGlobals } from './support.js';

beforeEach(resetGlobals);

const extractors: [string, () => TextMapPropagator][] = [
  ['tracecontext', () => new StrictTraceContextPropagator()],
  ['b3', () => new StrictB3Propagator({ injectEncoding: 'single' })],
  ['b3multi', () => new StrictB3Propagator({ injectEncoding: 'multi' })],
  ['baggage', () => new StrictBaggagePropagator()],
  ['default composite', () => createPropagator(DEFAULT_PROPAGATORS)],
  ['everything', () => createPropagator(['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger'])],
];

const hex = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: n, maxLength: n });
const nearMiss = fc.oneof(
  fc.tuple(hex(2), hex(32), hex(16), hex(2)).map((p) => p.join('-')),
  fc
    .tuple(fc.oneof(hex(16), hex(32)), hex(16), fc.constantFrom('0', '1', 'd', 'x', ''))
    .map((p) => p.join('-')),
  fc.tuple(hex(32), hex(16), fc.constantFrom('0', '1', 'd'), hex(16), fc.string()).map((p) => p.join('-')),
);
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), nearMiss);
const headerName = fc.oneof(
  fc.constantFrom(
    'traceparent',
    'tracestate',
    'baggage',
    'b3',
    'x-b3-traceid',
    'x-b3-spanid',
    'x-b3-sampled',
  ),
  fc.constantFrom(
    'x-b3-flags',
    'x-b3-parentspanid',
    'uber-trace-id',
    'X-B3-TraceId',
    'TraceParent',
    'uberctx-k',
  ),
  fc.string(),
);
const headers: fc.Arbitrary<Headers> = fc.dictionary(
  headerName,
  fc.oneof(text, fc.array(text, { maxLength: 3 })),
  {
    maxKeys: 8,
  },
);
// Carriers and getters that misbehave: wrong types, getters that throw.
const weirdValue = fc.oneof(fc.anything(), text, fc.array(fc.anything(), { maxLength: 3 }));
const weirdGetter = fc.record({ throwOnGet: fc.boolean(), throwOnKeys: fc.boolean(), value: weirdValue });

function getterFor(spec: { throwOnGet: boolean; throwOnKeys: boolean; value: unknown }): TextMapGetter {
  return {
    get: () => {
      if (spec.throwOnGet) throw new Error('get');
      return spec.value as string;
    },
    keys: () => {
      if (spec.throwOnKeys) throw new Error('keys');
      return ['Traceparent', 'B3', 'X-B3-TraceId', 'baggage'];
    },
  };
}

describe.each(extractors)('%s', (_name, make) => {
  it('never throws on random headers, and what it injects afterwards is valid', () => {
    fc.assert(
      fc.property(headers, (h) => {
        const p = make();
        const ctx = p.extract(ROOT_CONTEXT, h, {
          get: (c, k) => c[k],
          keys: (c) => Object.keys(c),
        });
        const sc = trace.getSpanContext(ctx);
        if (sc) expect(sc.traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(assertValidTraceHeaders(inject(make(), ctx))).toEqual([]);
        expect(
          assertValidTraceHeaders(inject(createPropagator(['tracecontext', 'b3', 'b3multi']), ctx)),
        ).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws, whatever the getter returns or throws', () => {
    fc.assert(
      fc.property(weirdGetter, fc.anything(), (spec, carrier) => {
        const ctx = make().extract(ROOT_CONTEXT, carrier, getterFor(spec));
        expect(assertValidTraceHeaders(inject(make(), ctx))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('never throws when injecting random span contexts, and writes only valid headers', () => {
    fc.assert(
      fc.property(
        text,
        text,
        fc.integer({ min: -1, max: 1024 }),
        fc.anything(),
        (traceId, spanId, flags, junk) => {
          const ctx = trace.setSpanContext(ROOT_CONTEXT, {
            traceId,
            spanId,
            traceFlags: flags,
            isRemote: true,
            ...(typeof junk === 'object' && junk !== null ? { traceState: junk as never } : {}),
          });
          expect(assertValidTraceHeaders(inject(make(), ctx))).toEqual([]);
          const throwingSetter = {
            set: () => {
              throw new Error('set');
            },
          };
          expect(() => make().inject(ctx, {}, throwingSetter)).not.toThrow();
        },
      ),
      { numRuns: 200 },
    );
  });
});
