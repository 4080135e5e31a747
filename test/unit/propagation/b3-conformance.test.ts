import { readFileSync } from 'node:fs';
import { isSpanContextValid, ROOT_CONTEXT, type TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { getB3SamplingDecision } from '../../../src/propagation/b3-context.js';
import { StrictB3Propagator } from '../../../src/propagation/b3-propagator.js';
import { createPropagator, DEFAULT_PROPAGATORS } from '../../../src/propagation/create-propagator.js';
import { assertValidTraceHeaders, extract, inject, resetGlobals, spanContextOf } from './support.js';

// CI checks out shared/ beside the repo: /work/main and /work/shared.
const CASES_URL = new URL('../../../../shared/conformance/b3-cases.json', import.meta.url);

interface Expect {
  extracted: boolean;
  traceId?: string;
  spanId?: string;
  sampled?: boolean;
  debug?: boolean;
  deferred?: boolean;
  samplingOnly?: 'accept' | 'deny' | 'debug';
}
interface Case {
  id: string;
  category: string;
  headers: Record<string, string>;
  expect: Expect;
  referenceOtelJs212: { inProcessB3Propagator: string; refServiceHttp: string };
}
const file = JSON.parse(readFileSync(CASES_URL, 'utf8')) as { cases: Case[] };
const cases = file.cases;

/**
 * One verdict for any propagator: extract from the vector's headers, then inject what we got.
 * - `extracted: false`: no valid span context may come out.
 * - otherwise trace id, span id and the sampled bit must match, and `debug` must survive into
 *   what the propagator injects (`b3: ...-d` or `X-B3-Flags: 1`), which is what "carried" means.
 * - everything injected must be well-formed (lowercase, exact lengths).
 * `deferred` has no OTel representation (no decision travels as "not sampled", upstream and
 * ours alike), so it is checked only as `sampled: false`.
 */
function verdict(propagator: TextMapPropagator, c: Case): string {
  const ctx = extract(propagator, c.headers, ROOT_CONTEXT);
  const sc = spanContextOf(ctx);
  const got = sc !== undefined && isSpanContextValid(sc);
  const out = inject(propagator, ctx);
  const malformed = assertValidTraceHeaders(out);
  if (malformed.length > 0) return `fail: emitted malformed ${malformed.join('; ')}`;
  if (!c.expect.extracted)
    return got ? `fail: extracted ${sc.traceId}/${sc.spanId} from invalid input` : 'pass';
  if (!got) return 'fail: nothing extracted';
  if (sc.traceId !== c.expect.traceId || sc.spanId !== c.expect.spanId) {
    return `fail: extracted ${sc.traceId}/${sc.spanId}`;
  }
  if (((sc.traceFlags & 1) === 1) !== c.expect.sampled) return 'fail: sampled';
  const debugOut = out.b3?.endsWith('-d') === true || out['x-b3-flags'] === '1';
  if (debugOut !== c.expect.debug) return 'fail: debug not propagated';
  return 'pass';
}

const upstreamInProcess = () => new B3Propagator();
// What the reference service ran over HTTP: OTEL_PROPAGATORS=tracecontext,baggage,b3,b3multi.
const upstreamRefService = () =>
  new CompositePropagator({
    propagators: [
      new W3CTraceContextPropagator(),
      new W3CBaggagePropagator(),
      new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER }),
      new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
    ],
  });

const counts: Record<string, number> = {};
function tally(
  name: string,
  propagator: () => TextMapPropagator,
): { passed: number; failures: Case['id'][] } {
  const failures: string[] = [];
  for (const c of cases) {
    if (verdict(propagator(), c) !== 'pass') failures.push(c.id);
  }
  const passed = cases.length - failures.length;
  counts[name] = passed;
  return { passed, failures };
}

beforeEach(resetGlobals);
afterAll(() => {
  console.log(`[b3 conformance] ${cases.length} vectors: ${JSON.stringify(counts)}`);
});

describe('B3 conformance vectors (shared/conformance/b3-cases.json)', () => {
  it('has the 137 vectors the issue talks about', () => {
    expect(cases).toHaveLength(137);
  });

  it.each(cases.map((c) => [c.id, c] as const))('ours (b3 single inject): %s', (_id, c) => {
    expect(verdict(new StrictB3Propagator({ injectEncoding: 'single' }), c)).toBe('pass');
  });

  it('ours passes all 137, whichever encoding it injects and inside the default composite', () => {
    expect(
      tally('ours b3 (single inject)', () => new StrictB3Propagator({ injectEncoding: 'single' })),
    ).toEqual({
      passed: 137,
      failures: [],
    });
    expect(tally('ours b3multi', () => new StrictB3Propagator({ injectEncoding: 'multi' })).passed).toBe(137);
    expect(tally('ours default composite', () => createPropagator(DEFAULT_PROPAGATORS)).passed).toBe(137);
    expect(
      tally('ours tracecontext,baggage,b3,b3multi', () =>
        createPropagator(['tracecontext', 'baggage', 'b3', 'b3multi']),
      ).passed,
    ).toBe(137);
  });

  it('upstream @opentelemetry/propagator-b3 2.12.0: same harness, same verdicts as the file records', () => {
    const inProcess = tally('upstream B3Propagator in-process', upstreamInProcess);
    const refService = tally('upstream tracecontext,baggage,b3,b3multi', upstreamRefService);
    // The harness agrees with the file's own reference column, case by case.
    const expectedInProcess = cases.filter((c) => c.referenceOtelJs212.inProcessB3Propagator !== 'pass');
    const expectedRefService = cases.filter((c) => c.referenceOtelJs212.refServiceHttp !== 'pass');
    expect(inProcess.failures).toEqual(expectedInProcess.map((c) => c.id));
    expect(refService.failures).toEqual(expectedRefService.map((c) => c.id));
    expect(inProcess.passed).toBe(114);
    expect(refService.passed).toBe(120);
  });

  it('ours models sampling-only headers (no ids): no context, but the decision is kept', () => {
    const propagator = createPropagator(DEFAULT_PROPAGATORS);
    for (const c of cases.filter((k) => !k.expect.extracted)) {
      const ctx = extract(propagator, c.headers);
      expect(getB3SamplingDecision(ctx), c.id).toBe(c.expect.samplingOnly);
    }
  });
});
