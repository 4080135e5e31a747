// What an app throws, or logs, can be anything: an error whose getters throw, a revoked Proxy, an
// object without a prototype, a 10 MB message, a value whose text would be 4 billion characters.
// Upstream's recordException reads code, name, message and stack unguarded (and calls
// code.toString()). None of our entry points may throw for such a value, or hold the event loop.
import { trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { traced, withSpan } from '../../../src/context/index.js';
import { setSpanWithError } from '../../../src/instrumentations/http-server-span.js';
import { formatTextLine, pinoMixin, winstonFormat } from '../../../src/log-correlation/index.js';
import type { TestTracing } from '../../../src/testing/index.js';
import { resetTracing, setupTestTracing } from '../../../src/testing/index.js';
import { counted, revokedProxy, throwingGetter } from '../../support/hostile.js';

let tracing: TestTracing;
beforeEach(() => {
  resetTracing();
  tracing = setupTestTracing();
});
afterEach(() => tracing.shutdown());

/** A sparse array of 2 ** 32 - 1 entries behind a counting Proxy: joining it took 78 s. */
let huge = counted([]);
const HOSTILE: Record<string, () => unknown> = {
  'an Error whose message, name, stack and code getters throw': () => {
    const error = new Error('x');
    for (const key of ['stack', 'code', 'message', 'name']) throwingGetter(error, key, `${key} getter`);
    return error;
  },
  'a revoked Proxy': revokedProxy,
  'an object without a prototype': () =>
    Object.assign(Object.create(null), { message: 'no prototype', name: 'Bare' }),
  'an Error with a 10 MB message': () => new Error('m'.repeat(10_000_000)),
  'an Error whose code is a 4-billion-entry array': () =>
    Object.assign(new Error('code'), { code: huge.list }),
  'a thrown 4-billion-entry array': () => huge.list,
};
let thrown: unknown;
beforeEach(() => {
  huge = counted(new Array(2 ** 32 - 1));
});

describe.each(Object.keys(HOSTILE))('%s', (what) => {
  beforeEach(() => {
    thrown = HOSTILE[what]!();
  });

  it('withSpan (sync and async) and traced rethrow it, the span ends in ERROR with an event', async () => {
    // Compared by identity only: the matchers read name and message to describe what was thrown.
    let caught: unknown;
    try {
      withSpan('sync', () => {
        throw thrown;
      });
    } catch (error) {
      caught = error;
    }
    expect(caught === thrown).toBe(true);
    const rejected = (promise: Promise<unknown>) =>
      promise.then(
        () => 'resolved',
        (error: unknown) => error === thrown,
      );
    expect(
      await rejected(
        withSpan('async', async () => {
          throw thrown;
        }),
      ),
    ).toBe(true);
    expect(await rejected(traced('traced', () => Promise.reject(thrown))())).toBe(true);
    for (const name of ['sync', 'async', 'traced']) {
      const span = tracing.expectSpan(name, { status: 'error', event: 'exception' });
      expect(span.status.message?.length).toBeLessThanOrEqual(16_384);
    }
    expect(huge.reads()).toBeLessThan(1000);
  });

  it("the HTTP server's error path (setSpanWithError) never throws", () => {
    const span = trace.getTracer('t').startSpan('GET /x');
    expect(() => setSpanWithError(span, thrown)).not.toThrow();
    span.end();
    tracing.expectSpan('GET /x', { status: 'error' });
    expect(huge.reads()).toBeLessThan(1000);
  });

  it('log correlation: a log call of it never throws (formatTextLine, pino mixin, winston format)', () => {
    withSpan('logging', () => {
      expect(typeof formatTextLine(thrown as string)).toBe('string');
      const mixin = pinoMixin();
      expect(() => mixin(thrown as object, 50, {})).not.toThrow();
      const format = winstonFormat();
      expect(() => format.transform({ level: 'error', message: thrown, err: thrown })).not.toThrow();
    });
    expect(huge.reads()).toBeLessThan(1000);
  });
});
