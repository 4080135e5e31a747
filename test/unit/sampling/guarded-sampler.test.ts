// A Sampler given in code that throws, or returns what is not a SamplingResult, threw out of every
// span start into the app (an outgoing http.get in a handler crashed the process). It now decides
// as parentbased_always_on would, and one warning says so.
import { context, ROOT_CONTEXT, type Span, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { BasicTracerProvider, type Sampler, SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { createSampler } from '../../../src/sampling/index.js';
import { unhandledRejections } from '../../support/unhandled.js';

let warnings: string[];
beforeEach(() => {
  warnings = [];
  resetLogger();
  setLogSink((level, line) => {
    if (level === 'warn') warnings.push(line);
  });
});
afterEach(() => resetLogger());

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const parent = (flags: number) =>
  trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE,
    spanId: 'b7ad6b7169203331',
    traceFlags: flags,
    isRemote: true,
  });

function decide(sampler: Sampler, ctx = ROOT_CONTEXT): SamplingDecision {
  return createSampler({ sampler, sampleRatio: 1 }).shouldSample(ctx, TRACE, 'op', SpanKind.INTERNAL, {}, [])
    .decision;
}

const bad: [string, Sampler['shouldSample'], RegExp][] = [
  [
    'throws',
    () => {
      throw new Error('sampler boom');
    },
    /the sampler given in code threw \(sampler boom\); that span, and every other its sampler fails on, was sampled as parentbased_always_on samples/,
  ],
  ['returns null', () => null as never, /returned null, not a SamplingResult/],
  [
    'returns a Promise',
    () => Promise.resolve({ decision: 2 }) as never,
    /returned a Promise, not a SamplingResult/,
  ],
  [
    'returns a bad decision',
    () => ({ decision: 'yes' }) as never,
    /returned an object without a valid decision/,
  ],
  ['returns bad attributes', () => ({ decision: 2, attributes: 5 }) as never, /returned an object without/],
  // Reading these threw out of the span start, as the sampler's own throw had.
  [
    'returns a Proxy that throws',
    () =>
      new Proxy(
        {},
        {
          get() {
            throw new Error('result get');
          },
        },
      ) as never,
    /returned an object that could not be read, not a SamplingResult/,
  ],
  [
    'returns a revoked Proxy',
    () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy as never;
    },
    /returned an object that could not be read/,
  ],
];

describe('a sampler given in code that fails', () => {
  for (const [what, shouldSample, said] of bad) {
    it(`${what}: decides as parentbased_always_on, said once`, () => {
      const sampler: Sampler = { shouldSample, toString: () => 'bad' };
      expect(decide(sampler)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
      expect(decide(sampler, parent(TraceFlags.NONE))).toBe(SamplingDecision.NOT_RECORD);
      expect(decide(sampler, parent(TraceFlags.SAMPLED))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(said);
    });
  }

  // Its rejected Promise went unhandled: on Node's default settings, the process exited at once.
  it('async and throws: decides as parentbased_always_on, the rejection handled', async () => {
    let calls = 0;
    const sampler: Sampler = {
      shouldSample: (async () => {
        calls++;
        throw new Error('async sampler boom');
      }) as never,
    };
    const unhandled = await unhandledRejections(() => {
      expect(decide(sampler)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
      expect(decide(sampler, parent(TraceFlags.NONE))).toBe(SamplingDecision.NOT_RECORD);
    });
    expect(calls).toBe(2);
    expect(unhandled).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/returned a Promise, not a SamplingResult/);
  });

  it('a 100 KB error message is cut, so the line still says what was done', () => {
    const sampler: Sampler = {
      shouldSample() {
        throw new Error('x'.repeat(100_000));
      },
    };
    decide(sampler);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.length).toBeLessThan(600);
    expect(warnings[0]).toMatch(
      /x… \(99800 more characters\)\); that span, .* was sampled as parentbased_always_on samples/,
    );
  });

  it('spans start and end through it without throwing, and keep the decision it could make', () => {
    let calls = 0;
    const sampler: Sampler = {
      shouldSample(_c, _t, name) {
        calls++;
        if (name === 'bad') throw new Error('no');
        return {
          decision: name === 'dropped' ? SamplingDecision.NOT_RECORD : SamplingDecision.RECORD_AND_SAMPLED,
        };
      },
    };
    const provider = new BasicTracerProvider({ sampler: createSampler({ sampler, sampleRatio: 1 }) });
    const tracer = provider.getTracer('t');
    let span: Span | undefined;
    expect(() => {
      span = tracer.startSpan('bad');
      span.end();
    }).not.toThrow();
    expect(span?.isRecording()).toBe(false); // ended
    expect(tracer.startSpan('dropped').isRecording()).toBe(false);
    expect(tracer.startSpan('kept').isRecording()).toBe(true);
    expect(context.active()).toBe(ROOT_CONTEXT);
    expect(calls).toBe(3);
  });

  it('a good sampler is asked as it was, and its description kept', () => {
    const result = { decision: SamplingDecision.RECORD, attributes: { a: 1 } };
    const sampler: Sampler = { shouldSample: () => result, toString: () => 'MySampler{x}' };
    const guarded = createSampler({ sampler, sampleRatio: 1 });
    expect(guarded.shouldSample(ROOT_CONTEXT, TRACE, 'op', SpanKind.SERVER, {}, [])).toBe(result);
    expect(String(guarded)).toBe('MySampler{x}');
    expect(warnings).toEqual([]);
  });
});
