import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withSpan } from '../../../src/context/index.js';
import { isTracingConfigError } from '../../../src/errors.js';
import type { TestTracing } from '../../../src/testing/index.js';
import {
  expectSpan,
  findSpan,
  isSpanAssertionError,
  resetTracing,
  type SpanAssertionError,
  setupTestTracing,
} from '../../../src/testing/index.js';
import { revokedProxy, throwingGetter } from '../../support/hostile.js';

let tracing: TestTracing;
beforeEach(() => {
  resetTracing();
  tracing = setupTestTracing();
});
afterEach(() => tracing.shutdown());

function failureOf(fn: () => unknown): SpanAssertionError {
  try {
    fn();
  } catch (error) {
    if (isSpanAssertionError(error)) return error;
    throw error;
  }
  throw new Error('expected a SpanAssertionError');
}

describe('setupTestTracing', () => {
  it("registers provider, ALS context manager and initTracing's propagators globally", async () => {
    const carrier: Record<string, string> = {};
    await withSpan('outer', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      propagation.inject(context.active(), carrier);
    });
    // Sampled (the kit leaves out the W3C Level 2 random flag); and B3 multi, as initTracing sends.
    expect(carrier.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(carrier['x-b3-traceid']).toBe(carrier.traceparent?.slice(3, 35));
    expect(tracing.spans()).toHaveLength(1);
    expect(tracing.exporter.getFinishedSpans()).toHaveLength(1);
    expect(tracing.spans()[0]?.resource.attributes['service.name']).toBe('test');
  });

  it('reset() forgets spans; shutdown() unregisters the globals and is idempotent', async () => {
    withSpan('a', () => undefined);
    tracing.reset();
    expect(tracing.spans()).toEqual([]);
    const first = tracing.shutdown();
    expect(tracing.shutdown()).toBe(first);
    await first;
    expect(trace.getTracer('x').startSpan('noop').isRecording()).toBe(false);
  });

  it('a second setup replaces the first (no duplicate-registration error)', () => {
    const second = setupTestTracing({ serviceName: 'svc' });
    withSpan('b', () => undefined);
    expect(second.spans().map((s) => s.name)).toEqual(['b']);
    expect(tracing.spans()).toEqual([]);
    tracing = second;
  });
});

describe('findSpan / expectSpan', () => {
  beforeEach(async () => {
    await withSpan(
      'checkout',
      async () => {
        await withSpan(
          'payment.charge',
          async (span) => {
            span.addEvent('retry', { attempt: 2 });
            throw new Error('card declined');
          },
          { kind: SpanKind.CLIENT, attributes: { 'payment.currency': 'EUR', 'payment.amount': 1299 } },
        ).catch(() => undefined);
      },
      { kind: SpanKind.SERVER },
    );
  });

  it('finds by name, pattern or predicate', () => {
    expect(tracing.findSpan('checkout')?.kind).toBe(SpanKind.SERVER);
    expect(tracing.findSpan(/^payment\./)?.name).toBe('payment.charge');
    expect(tracing.findSpan((s) => s.attributes['payment.amount'] === 1299)?.name).toBe('payment.charge');
    expect(findSpan(tracing.spans(), 'nope')).toBeUndefined();
  });

  it('passes and returns the span when every expectation holds', () => {
    const charge = tracing.expectSpan('payment.charge', {
      parent: 'checkout',
      kind: 'client',
      status: { code: 'error', message: /declined/ },
      attributes: { 'payment.currency': 'EUR', 'payment.missing': undefined },
      event: { name: 'retry', attributes: { attempt: 2 } },
    });
    expect(charge.name).toBe('payment.charge');
    expect(
      expectSpan(tracing.spans(), 'checkout', { parent: null, kind: SpanKind.SERVER, status: 'unset' }).name,
    ).toBe('checkout');
    tracing.expectSpan('payment.charge', { event: 'exception', parent: tracing.findSpan('checkout')! });
  });

  it('fails with a readable message: what was expected, why each candidate differs, what exists', () => {
    const error = failureOf(() =>
      tracing.expectSpan('payment.charge', {
        parent: 'cart',
        kind: 'server',
        status: 'ok',
        attributes: { 'payment.currency': 'USD' },
        event: 'refund',
      }),
    );
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SpanAssertionError');
    const message = error.message;
    expect(message).toContain('expected a finished span "payment.charge" with parent="cart", kind="server"');
    expect(message).toContain('parent: expected "cart", got "checkout"');
    expect(message).toContain('kind: expected SERVER, got CLIENT');
    expect(message).toContain('status: expected OK, got ERROR "card declined"');
    expect(message).toContain('attributes["payment.currency"]: expected "USD", got "EUR"');
    expect(message).toContain('event: expected "refund", got "retry" {"attempt":2}, "exception"');
    expect(message).toContain('finished spans (2):');
    expect(message).toMatch(/"checkout" kind=SERVER parent="-" status=UNSET/);
  });

  it('says when no span has the name, and when nothing was exported at all', () => {
    expect(failureOf(() => tracing.expectSpan('refund')).message).toContain(
      'but no finished span is "refund".',
    );
    tracing.reset();
    expect(failureOf(() => tracing.expectSpan('refund')).message).toContain(
      '(none: did the code under test end its spans',
    );
  });

  it('waitForSpan resolves once the span ends, or rejects with the same message on timeout', async () => {
    setTimeout(() => withSpan('late', () => undefined), 20);
    await expect(tracing.waitForSpan('late', { parent: null }, 2000)).resolves.toMatchObject({
      name: 'late',
    });
    await expect(tracing.waitForSpan('never', {}, 50)).rejects.toThrow(/no finished span is "never"/);
  });
});

// A type guard runs in a catch block: one that throws replaces the error being handled. A revoked
// Proxy, a Proxy whose getPrototypeOf trap throws, or an Error whose `name` getter throws made
// both guards throw a TypeError (or the getter's error) there.
describe('the type guards never throw', () => {
  const trap = () => {
    throw new Error('trap');
  };
  const values: [string, unknown][] = [
    ['a revoked Proxy', revokedProxy()],
    ['a Proxy whose traps throw', new Proxy(new Error('x'), { getPrototypeOf: trap, get: trap })],
    ['an Error whose name getter throws', throwingGetter(new Error('x'), 'name', 'name getter')],
  ];
  it.each(values)('%s', (_what, value) => {
    expect(isSpanAssertionError(value)).toBe(false);
    expect(isTracingConfigError(value)).toBe(false);
  });
});

// The failure message listed every finished span with all its attributes, and every same-named
// candidate with each value whole: 1,000 spans of 64 values of 16 KB made a 131 MB message (a few
// thousand, a RangeError: Invalid string length, in place of the assertion), printed whole by
// the test runner.
describe('the failure message is bounded', () => {
  it('at most 100 spans listed, and long values cut', () => {
    const long = 'x'.repeat(16_000);
    const attributes: Record<string, string> = {};
    for (let i = 0; i < 10; i++) attributes[`key.${i}`] = long;
    for (let i = 0; i < 300; i++) withSpan('query', (span) => span.setAttributes(attributes));
    const { message } = failureOf(() => tracing.expectSpan('query', { attributes: { 'key.0': 'short' } }));
    expect(message.length).toBeLessThan(200_000);
    expect(message).toContain('300 span(s) "query" differ:');
    expect(message).toContain('  … and 200 more that differ');
    expect(message).toContain('finished spans (300):');
    expect(message).toContain('    … and 200 more finished spans');
    expect(message).toMatch(
      /attributes\["key\.0"\]: expected "short", got "x{200}"… \(\d+ more characters\)$/m,
    );
    expect(message).toMatch(/attributes=\{"key\.0":"x+… \(\d+ more characters\)\n/);
  });

  // The events a span has were listed whole in the 'event:' line (every one, an exception's message
  // and stack in full), and a span's name, status message and event names in the list of finished spans. The span limits
  // bound them (a span's text to 128 K characters) unless a test turns them off, as here: over 6 MB.
  it('the events listed for an expected event are cut too', async () => {
    await tracing.shutdown();
    tracing = setupTestTracing({ spanLimits: { attributeValueLengthLimit: Infinity } });
    await withSpan('load', async (span) => {
      for (let i = 0; i < 127; i++) span.addEvent(`step ${i}`, { detail: 'y'.repeat(10_000) });
      throw new Error('m'.repeat(1_000_000));
    }).catch(() => undefined);
    withSpan('n'.repeat(1_000_000), (span) => span.addEvent('e'.repeat(1_000_000)));
    const { message } = failureOf(() => tracing.expectSpan('load', { event: 'done' }));
    expect(message.length).toBeLessThan(200_000);
    expect(message).toMatch(/event: expected "done", got "step 0" \{"detail":"y+… \(\d+ more characters\)/);
    expect(message).toContain(', … and 28 more events');
    expect(message).toMatch(
      /^ {4}"n{200}"… \(999800 more characters\) .* events=\[e{200}… \(999800 more characters\)\]$/m,
    );
  });
});

// The failure message carried a span's name, an event's name, a status message and attribute
// values as they were: JSON.stringify escapes line breaks but not U+2028/2029 or the bidirectional
// overrides and isolates, and a parent's or event's name was not even quoted through it (a
// newline in one started a line of its own). A test runner prints the message to a terminal or a
// CI log, where U+202E shows the text after it reversed ("Trojan Source").
describe('the failure message shows what reorders or breaks lines as escapes', () => {
  // Anything but tab and the message's own line breaks that a terminal acts on rather than shows.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  const acting = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

  it('names, event names, status messages, values and expected ids', async () => {
    await withSpan('parent\u202e\nforged line', async () => {
      await withSpan('pay\u202eevil\u2066x\u2069', async (span) => {
        span.addEvent('retry\u2028\u202d', { 'why\u202a': 'late\u2029\u202b' });
        span.setAttribute('note', 'a\u202cb\u2067c\u2068');
        throw new Error('declined\u202e\u2028\u001b[2J');
      }).catch(() => undefined);
    });
    const { message } = failureOf(() =>
      tracing.expectSpan('pay\u202eevil\u2066x\u2069', {
        parent: 'other\u202e',
        traceId: 'abc\u202e\ndef',
        status: 'ok',
        attributes: { note: 'z\u2066' },
        event: 'refund\u202e',
      }),
    );
    expect(message).not.toMatch(acting);
    expect(message).toContain('\\u202e');
    expect(message).toContain('\\u2028');
    // The only lines are the message's own: none starts with a forged span's text.
    expect(message.split('\n').filter((line) => line.startsWith('forged'))).toEqual([]);
    expect(message).toContain('parent: expected "other\\u202e", got "parent\\u202e\\nforged line"');
    expect(message).toContain('event: expected "refund\\u202e", got "retry\\u2028\\u202d"');
  });
});
