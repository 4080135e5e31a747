// Issue 20, "no event-loop block over 5 ms from tracing": a span's values in all are bounded
// (src/export/span-value-budget.ts), and so are attribute keys. The SDK's counts multiply (128
// attributes, 128 events and 128 links of 128 attributes each) and an array keeps up to 1,024
// elements: 16,512 short values cost 9-14 ms in span.end(), 128 events of 128 arrays of 1,024
// numbers 4.4 s. Past 1,024 values a span keeps its own attributes whole and its events and links
// lose their last attributes, counted in their droppedAttributesCount.
import type { Attributes, Span, SpanContext } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setLogSink } from '../../../src/diag/log.js';
import { initTracing } from '../../../src/sdk/init.js';
import type { TracingOptions } from '../../../src/types.js';
import { tracingToNowhere } from '../../support/otlp-nowhere.js';
import { resetTracing } from '../../support/reset.js';

beforeEach(async () => {
  await resetTracing();
  setLogSink(() => undefined);
});
afterEach(resetTracing);

function tracingWith(
  exporter: InMemorySpanExporter,
  options: TracingOptions = {},
  env: Record<string, string> = {},
) {
  return initTracing(
    { serviceName: 'svc', exporter, handleSignals: false, instrumentations: false, ...options },
    { OTEL_NODE_RESOURCE_DETECTORS: 'none', ...env },
  );
}

async function ended(
  build: (span: Span, linked: SpanContext) => void,
  options: TracingOptions = {},
  env: Record<string, string> = {},
): Promise<ReadableSpan> {
  const exporter = new InMemorySpanExporter();
  const tracing = tracingWith(exporter, options, env);
  const linked = tracing.tracer.startSpan('linked');
  linked.end();
  const span = tracing.tracer.startSpan('values');
  build(span, linked.spanContext());
  span.end();
  await tracing.forceFlush();
  const out = exporter.getFinishedSpans().find((s) => s.name === 'values')!;
  await resetTracing();
  setLogSink(() => undefined);
  return out;
}

/** Values as the budget counts them: 1 a string, number or boolean, an array its elements. */
function valuesOf(span: ReadableSpan): number {
  const count = (attributes: Attributes | undefined) => {
    let n = 0;
    for (const [key, value] of Object.entries(attributes ?? {})) {
      if (key === 'acme.otel.truncated') continue;
      n += Array.isArray(value) ? value.length : 1;
    }
    return n;
  };
  let n = count(span.attributes);
  for (const e of span.events) n += count(e.attributes);
  for (const l of span.links) n += count(l.attributes);
  return n;
}

function attributes(n: number, value: (i: number) => Attributes[string]): Attributes {
  const out: Attributes = {};
  for (let i = 0; i < n; i++) out[`k${i}`] = value(i);
  return out;
}

describe("a span's values in all", () => {
  it('keeps its own attributes and every event, and cuts the events to their leading attributes', async () => {
    const span = await ended((s) => {
      s.setAttributes(attributes(128, (i) => `own-${i}`));
      for (let e = 0; e < 128; e++)
        s.addEvent(
          `e${e}`,
          attributes(128, (i) => `v${i}`),
        );
    });
    // 1,024 - 128 own values = 896 for 128 events: 7 each.
    expect(Object.keys(span.attributes).filter((k) => k.startsWith('k'))).toHaveLength(128);
    expect(span.events).toHaveLength(128);
    for (const event of span.events) {
      expect(Object.keys(event.attributes!)).toEqual(Array.from({ length: 7 }, (_, i) => `k${i}`));
      expect(event.droppedAttributesCount).toBe(121);
    }
    expect(valuesOf(span)).toBeLessThanOrEqual(1024);
    expect(span.attributes['acme.otel.truncated']).toEqual([
      'span values: 16512, cut to 1024 (events and links keep 7 each, 15488 of their attributes dropped)',
    ]);
  });

  it('keeps small events and links whole: the largest lose the most', async () => {
    const span = await ended((s, linked) => {
      s.addEvent('exception', { 'exception.type': 'Error', 'exception.message': 'boom' });
      s.addLink({ context: linked, attributes: { 'link.note': 'n' } });
      for (let e = 0; e < 40; e++)
        s.addEvent(
          `log${e}`,
          attributes(128, (i) => i),
        );
    });
    expect(span.events[0]!.attributes).toEqual({ 'exception.type': 'Error', 'exception.message': 'boom' });
    expect(span.events[0]!.droppedAttributesCount).toBe(0);
    expect(span.links[0]!.attributes).toEqual({ 'link.note': 'n' });
    // (1,024 - 3) / 40 = 25 each for the large events.
    expect(Object.keys(span.events[1]!.attributes!)).toHaveLength(25);
    expect(span.events[1]!.droppedAttributesCount).toBe(103);
    expect(valuesOf(span)).toBeLessThanOrEqual(1024);
  });

  it('counts array elements, keeps the leading elements of an array across the level', async () => {
    const numbers = Array.from({ length: 1024 }, (_, i) => i);
    const span = await ended((s, linked) => {
      s.addEvent('arrays', { first: 1, list: numbers, after: 'x' });
      s.addEvent('more', { list: numbers, tail: [1, 2] });
      for (let l = 0; l < 4; l++) s.addLink({ context: linked, attributes: { list: numbers } });
    });
    // 6 holders of 1,024-1,026 values share 1,024: 170 each.
    expect(span.events[0]!.attributes).toEqual({ first: 1, list: numbers.slice(0, 169) });
    expect(span.events[0]!.droppedAttributesCount).toBe(1);
    expect(span.events[1]!.attributes).toEqual({ list: numbers.slice(0, 170) });
    expect(span.links[3]!.attributes).toEqual({ list: numbers.slice(0, 170) });
    expect(valuesOf(span)).toBeLessThanOrEqual(1024);
  });

  it('cuts the longest of its own arrays when they alone exceed the budget', async () => {
    const numbers = Array.from({ length: 1024 }, (_, i) => i);
    const span = await ended((s) => {
      s.setAttribute('id', 'o-1');
      s.setAttribute('short', [1, 2]);
      for (let i = 0; i < 20; i++) s.setAttribute(`list${i}`, numbers);
      s.addEvent('e', { a: 1 });
    });
    // (1,024 - 1 - 2) / 20 = 51 elements each.
    expect(span.attributes.id).toBe('o-1');
    expect(span.attributes.short).toEqual([1, 2]);
    expect(span.attributes.list19).toEqual(numbers.slice(0, 51));
    expect(span.events[0]!.attributes).toEqual({ a: 1 }); // 1,024 - 1,023 left for it
    expect(span.attributes['acme.otel.truncated']).toEqual([
      'span values: 20484, cut to 1024 (arrays longer than 51 elements cut)',
    ]);
  });

  it('leaves a span of exactly 1,024 values as it was, with no marker', async () => {
    const span = await ended((s) => {
      s.setAttributes(attributes(64, (i) => i));
      for (let e = 0; e < 7; e++)
        s.addEvent(
          `e${e}`,
          attributes(128, (i) => `v${i}`),
        );
      s.addEvent('last', { list: new Array(64).fill(true) });
    });
    expect(valuesOf(span)).toBe(1024);
    expect(span.events.every((e) => !e.droppedAttributesCount)).toBe(true);
    expect(span.attributes['acme.otel.truncated']).toBeUndefined();
  });

  it('spanLimits.valueCountLimit and ACME_OTEL_SPAN_VALUE_COUNT_LIMIT set it; Infinity turns it off', async () => {
    const build = (s: Span) => {
      for (let e = 0; e < 128; e++)
        s.addEvent(
          `e${e}`,
          attributes(128, (i) => i),
        );
    };
    expect(valuesOf(await ended(build, { spanLimits: { valueCountLimit: 256 } }))).toBe(256);
    expect(valuesOf(await ended(build, {}, { ACME_OTEL_SPAN_VALUE_COUNT_LIMIT: '1280' }))).toBe(1280);
    const whole = await ended(build, { spanLimits: { valueCountLimit: Number.POSITIVE_INFINITY } });
    expect(valuesOf(whole)).toBe(128 * 128);
    expect(whole.attributes['acme.otel.truncated']).toBeUndefined();
  });

  it('span.end() on 524,288 numbers in arrays costs about what 1,024 short values cost (ratio)', async () => {
    const tracing = tracingToNowhere();
    const numbers = Array.from({ length: 1024 }, (_, i) => i);
    const arrays = attributes(32, () => numbers);
    const scalars = attributes(128, (i) => i);
    const endOnce = (event: Attributes, events: number) => {
      const span = tracing.tracer.startSpan('timed');
      for (let e = 0; e < events; e++) span.addEvent('e', event);
      const t0 = performance.now();
      span.end();
      return performance.now() - t0;
    };
    endOnce(scalars, 8); // compile the path first
    endOnce(arrays, 16);
    // Interleaved, best of 5, so both see the same machine. 16 events of 32 arrays of 1,024
    // numbers: 34-38x 1,024 scalars (within the budget) with the limit off (the span is scrubbed
    // and encoded whole), 0.9-2.1x with it (Node 20 and 26). Kept smaller than the SDK allows, and whole numbers:
    // its copies of the arrays (of doubles, boxed one by one in some states) are garbage collected
    // inside end() at times, which is the application's allocation, not ours to bound.
    let baseline = Number.POSITIVE_INFINITY;
    let huge = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 5; round++) {
      baseline = Math.min(baseline, endOnce(scalars, 8));
      huge = Math.min(huge, endOnce(arrays, 16));
    }
    expect(huge).toBeLessThan(baseline * 6);
  });
});

describe('attribute keys', () => {
  it('cuts a key longer than 256 characters to 256, and names it', async () => {
    const long = `k${'x'.repeat(1024 * 1024)}`;
    const span = await ended((s) => {
      s.setAttribute(long, 'v');
      s.setAttribute('short', 1);
      s.addEvent('e', { [`e${'y'.repeat(300)}`]: 2 });
    });
    expect(span.attributes[long.slice(0, 256)]).toBe('v');
    expect(span.attributes[long]).toBeUndefined();
    expect(span.attributes.short).toBe(1);
    expect(span.events[0]!.attributes![`e${'y'.repeat(255)}`]).toBe(2);
    expect(span.attributes['acme.otel.truncated']).toEqual([
      `${long.slice(0, 64)}…: key of ${long.length} characters cut to 256`,
      `events[0].e${'y'.repeat(63)}…: key of 301 characters cut to 256`,
    ]);
  });

  it('lists at most 32 cut arrays or keys, and counts the rest in one label', async () => {
    const span = await ended(
      (s) => {
        for (let i = 0; i < 20; i++) s.setAttribute(`k${i}`.padEnd(300, 'x'), i);
        for (let i = 0; i < 20; i++)
          s.setAttribute(
            `a${i}`,
            Array.from({ length: 1100 }, () => i),
          );
      },
      { spanLimits: { valueCountLimit: Number.POSITIVE_INFINITY } },
    );
    const labels = span.attributes['acme.otel.truncated'] as string[];
    expect(labels).toHaveLength(33);
    expect(labels[19]).toBe('a19: 1024 of 1100 elements');
    expect(labels[31]).toBe(`${'k11'.padEnd(64, 'x')}…: key of 300 characters cut to 256`);
    expect(labels[32]).toBe('8 more arrays or keys cut, not listed');
    expect(span.attributes.a19).toHaveLength(1024);
    expect(span.droppedAttributesCount).toBe(0);
  });

  it('cuts the first 32 over-long keys of a span and drops the attributes of the rest, counted', async () => {
    // Each key cut is a new property name for V8 to intern (~1.2 us at 256 characters): 2,048 of
    // them cost 2.1 ms in span.end(); dropping one costs ~0.1 us.
    const span = await ended((s) => {
      for (let i = 0; i < 30; i++) s.setAttribute(`k${i}`.padEnd(300, 'x'), i);
      s.setAttribute('short', 'kept');
      s.addEvent('first', {
        [`e0${'y'.repeat(300)}`]: 0,
        [`e1${'y'.repeat(300)}`]: 1,
        [`e2${'y'.repeat(300)}`]: 2,
      });
      s.addEvent('second', { [`f${'z'.repeat(300)}`]: 3, other: 4 });
    });
    expect(span.attributes['k29'.padEnd(256, 'x')]).toBe(29);
    expect(span.attributes.short).toBe('kept');
    expect(span.droppedAttributesCount).toBe(0);
    const [first, second] = span.events;
    expect(Object.keys(first!.attributes!)).toEqual([`e0${'y'.repeat(254)}`, `e1${'y'.repeat(254)}`]);
    expect(first!.droppedAttributesCount).toBe(1);
    expect(second!.attributes).toEqual({ other: 4 });
    expect(second!.droppedAttributesCount).toBe(1);
    const labels = span.attributes['acme.otel.truncated'] as string[];
    expect(labels).toHaveLength(33);
    expect(labels[31]).toBe(`events[0].e1${'y'.repeat(62)}…: key of 302 characters cut to 256`);
    expect(labels[32]).toBe('2 attributes dropped: keys over 256 characters past the first 32');
  });

  it("cuts all of the span's own over-long keys (the SDK's span has no droppedAttributesCount setter)", async () => {
    const span = await ended((s) => {
      for (let i = 0; i < 34; i++) s.setAttribute(`k${i}`.padEnd(300, 'x'), i);
      s.addEvent('e', { [`e${'y'.repeat(300)}`]: 0, other: 1 });
    });
    expect(span.attributes['k33'.padEnd(256, 'x')]).toBe(33);
    expect(span.droppedAttributesCount).toBe(0);
    expect(span.events[0]!.attributes).toEqual({ other: 1 });
    expect(span.events[0]!.droppedAttributesCount).toBe(1);
    const labels = span.attributes['acme.otel.truncated'] as string[];
    expect(labels.slice(-2)).toEqual([
      '2 more arrays or keys cut, not listed',
      '1 attributes dropped: keys over 256 characters past the first 32',
    ]);
  });
});
