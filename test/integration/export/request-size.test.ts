// Issue 20, item 2, unit level: requests split by encoded size (request-split.ts), a span too
// large alone truncated longest values first or dropped (encoded-queue.ts, span-truncation.ts),
// and each case counted and named once a minute at most (oversize-report.ts).
import { type Attributes, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { DropReporter } from '../../../src/export/drop-reporter.js';
import {
  EncodedSpanQueue,
  type EncodedSpans,
  type OversizedSpan,
} from '../../../src/export/otlp/encoded-queue.js';
import { buildTraceRequest } from '../../../src/export/otlp/request.js';
import { splitBySize } from '../../../src/export/otlp/request-split.js';
import { cutToBytes, TRUNCATED_ATTRIBUTE } from '../../../src/export/otlp/span-truncation.js';
import { createOversizeReport } from '../../../src/export/oversize-report.js';
import { describeSpanAt } from '../../../src/export/span-label.js';
import { createExportStats } from '../../../src/export/stats.js';
import { decodeRequestBytes } from '../../support/otlp-receiver.mjs';

let lines: string[] = [];
beforeEach(() => {
  resetLogger();
  lines = [];
  setLogSink((_level, line) => lines.push(line));
});
afterEach(() => resetLogger());

function tracers() {
  const memory = new InMemorySpanExporter();
  const make = (attributes: Attributes) =>
    new BasicTracerProvider({
      resource: resourceFromAttributes(attributes),
      spanProcessors: [new SimpleSpanProcessor(memory)],
    });
  const a = make({ 'service.name': 'size-a', 'host.name': 'h'.repeat(300) });
  const b = make({ 'service.name': 'size-b' });
  return { memory, tracers: [a.getTracer('scope-1'), a.getTracer('scope-2', '1.0'), b.getTracer('scope-3')] };
}

/** Spans with a `pad` attribute of the given sizes, spread over two resources and three scopes. */
function spansOfSizes(sizes: number[]): ReadableSpan[] {
  const { memory, tracers: t } = tracers();
  sizes.forEach((size, i) => {
    t[i % 3]!.startSpan(`s${i}`, { attributes: { i, pad: 'p'.repeat(size) } }).end();
  });
  return memory.getFinishedSpans();
}

function encode(spans: ReadableSpan[], limit?: ConstructorParameters<typeof EncodedSpanQueue>[2]) {
  const queue = new EncodedSpanQueue(spans.length + 1, undefined, limit);
  for (const s of spans) queue.push(s);
  return queue.take(queue.size);
}

describe('splitBySize', () => {
  it('keeps a batch that fits as one request, the same object', () => {
    const batch = encode(spansOfSizes([100, 200, 300]));
    expect(splitBySize(batch, 64 * 1024)).toEqual([batch]);
    expect(splitBySize(batch, 64 * 1024)[0]).toBe(batch);
  });

  it('splits in order into requests of at most the maximum, each as full as it can be', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 40_000, max: 150_000 }),
        (sizes, max) => {
          const batch = encode(spansOfSizes(sizes));
          const parts = splitBySize(batch, max);
          const names: string[] = [];
          let from = 0;
          for (const part of parts) {
            const request = buildTraceRequest(part);
            expect(request.length).toBeLessThanOrEqual(max);
            names.push(...decodeRequestBytes(request).map((s) => s.name));
            // Greedy: the part and the next span would not have fitted (less the bound's slack).
            from += part.length;
            if (from < batch.length) {
              expect(buildTraceRequest(batch.slice(from - part.length, from + 1)).length).toBeGreaterThan(
                max - 64,
              );
            }
          }
          // The receiver lists spans per resource and scope; every span exactly once, none lost.
          expect(names.sort()).toEqual(sizes.map((_, i) => `s${i}`).sort());
        },
      ),
      { numRuns: 25 },
    );
  });

  it('sends a span larger than the maximum alone rather than with others', () => {
    const batch = encode(spansOfSizes([100, 50_000, 100]));
    const parts = splitBySize(batch, 20_000);
    expect(parts.map((p) => p.length)).toEqual([1, 1, 1]);
  });
});

describe('a span too large for a request on its own', () => {
  const max = 64 * 1024;

  function oversized(attributes: Attributes, status?: string) {
    const { memory, tracers: t } = tracers();
    const span = t[0]!.startSpan('report /upload', { attributes });
    span.addEvent('exception', { 'exception.message': 'm'.repeat(30_000), 'exception.type': 'E' });
    if (status) span.setStatus({ code: SpanStatusCode.ERROR, message: status });
    span.end();
    t[0]!.startSpan('small').end();
    return memory.getFinishedSpans();
  }

  function queueWithLimit(spans: ReadableSpan[]) {
    const outcomes: OversizedSpan[] = [];
    const batch = encode(spans, { maxRequestBytes: max, onOversized: (_s, o) => outcomes.push(o) });
    return { batch, outcomes };
  }

  it('is queued with its longest values cut, longest first, marked, and listed', () => {
    const spans = oversized(
      { body: 'b'.repeat(200_000), query: 'q'.repeat(40_000), short: 's'.repeat(500), n: 1 },
      'x'.repeat(10_000),
    );
    const { batch, outcomes } = queueWithLimit(spans);
    expect(batch.length).toBe(2);
    const request = buildTraceRequest(batch);
    expect(request.length).toBeLessThanOrEqual(max);
    const [span, small] = decodeRequestBytes(request);
    expect(small!.name).toBe('small');
    const a = span!.attributes;
    const body = a.body as string;
    const query = a.query as string;
    expect(body).toMatch(/^b+…\[truncated, 200000 bytes\]$/);
    expect(query).toMatch(/^q+…\[truncated, 40000 bytes\]$/);
    // Water-filling: the values cut keep the same length; shorter ones stay whole.
    expect(body.indexOf('…')).toBe(query.indexOf('…'));
    expect(a.short).toBe('s'.repeat(500));
    expect(a.n).toBe(1);
    expect(a[TRUNCATED_ATTRIBUTE]).toEqual(expect.arrayContaining(['body', 'query']));
    expect(span!.status.message).toBe('x'.repeat(10_000));
    expect(outcomes).toEqual([
      expect.objectContaining({ dropped: false, cut: expect.arrayContaining(['body', 'query']) }),
    ]);
    // The span object itself is left as it was (other exporters see it whole).
    expect((spans[0]!.attributes.body as string).length).toBe(200_000);
  });

  it('keeps the labels of arrays cut earlier (value-length-limit.ts), first', () => {
    const spans = oversized({
      body: 'b'.repeat(200_000),
      [TRUNCATED_ATTRIBUTE]: ['ids: 1024 of 100000 elements'],
    });
    const { batch } = queueWithLimit(spans);
    const [span] = decodeRequestBytes(buildTraceRequest(batch));
    const labels = span!.attributes[TRUNCATED_ATTRIBUTE] as string[];
    expect(labels[0]).toBe('ids: 1024 of 100000 elements');
    expect(labels.slice(1)).toContain('body');
  });

  it('cuts event attributes and the status message too when they are the longest', () => {
    const spans = oversized({ a: 'a'.repeat(10) }, 'x'.repeat(100_000));
    const { batch, outcomes } = queueWithLimit(spans);
    const [span] = decodeRequestBytes(buildTraceRequest(batch));
    expect(span!.status.message).toMatch(/^x+…\[truncated, 100000 bytes\]$/);
    expect(outcomes[0]!.cut).toContain('status.message');
    expect(span!.attributes.a).toBe('a'.repeat(10));
  });

  it('is dropped when cutting every string cannot make it fit (reported, not queued)', () => {
    const spans = oversized({ numbers: Array.from({ length: 20_000 }, (_, i) => i * 1.5) });
    const { batch, outcomes } = queueWithLimit(spans);
    expect(batch.length).toBe(1);
    expect(decodeRequestBytes(buildTraceRequest(batch)).map((s) => s.name)).toEqual(['small']);
    expect(outcomes).toEqual([expect.objectContaining({ dropped: true })]);
  });

  it('multi-byte text is cut on character boundaries and still fits', () => {
    const spans = oversized({ text: '€😀'.repeat(40_000) });
    const { batch } = queueWithLimit(spans);
    const request = buildTraceRequest(batch);
    expect(request.length).toBeLessThanOrEqual(max);
    const text = decodeRequestBytes(request)[0]!.attributes.text as string;
    expect(text).not.toContain('\uFFFD');
    expect(text).toMatch(/^(€😀)+(€)?…\[truncated, 280000 bytes\]$/);
  });

  it('cutToBytes never exceeds the budget nor splits a character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.nat(400), (s, n) => {
        const cut = cutToBytes(s, n);
        expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(n);
        expect(s.startsWith(cut)).toBe(true);
        expect(cut).not.toMatch(/[\uD800-\uDBFF]$/);
      }),
    );
  });
});

describe('oversize report', () => {
  it('counts truncated and dropped spans, names them, at most one line per kind per interval', () => {
    const stats = createExportStats();
    const reporter = new DropReporter(stats, { endpoint: 'http://collector:4317' });
    let now = 0;
    const report = createOversizeReport(stats, reporter, { now: () => now });
    const spans = spansOfSizes([1, 1, 1]);
    const truncated: OversizedSpan = {
      dropped: false,
      encodedBytes: 5_000_000,
      limitBytes: 4_063_232,
      cut: ['body'],
    };
    const dropped: OversizedSpan = { dropped: true, encodedBytes: 9_000_000, limitBytes: 4_063_232, cut: [] };
    report(spans[0]!, truncated);
    report(spans[1]!, truncated);
    report(spans[2]!, dropped);
    expect(stats).toMatchObject({ truncated: 2, failed: 1 });
    const ours = lines.filter((l) => !l.includes('failed to export'));
    expect(ours).toHaveLength(2);
    expect(ours[0]).toMatch(
      /^\[@acme\/otel\] span "s0" \(trace [0-9a-f]{32}, span [0-9a-f]{16}\) was 5,000,000 bytes encoded, more than the 4,063,232 bytes a span may take in an export request \(maxExportRequestBytes\): sent with 1 value\(s\) truncated \(body\)$/,
    );
    expect(ours[1]).toMatch(
      /^\[@acme\/otel\] dropped span "s2" .* too large to export even truncated: 9,000,000 bytes/,
    );
    now = 60_000;
    report(spans[0]!, truncated);
    expect(lines.at(-1)).toMatch(/truncated \(body\) \(and 1 more since the last such message\)$/);
    reporter.shutdown();
    // The drop reporter names it too, as "too large" (its first report waits a moment to count the
    // loss so far; shutdown prints what is pending).
    expect(lines.some((l) => /1 span.* export request too large .*span "s2" .*too large/.test(l))).toBe(true);
  });

  it('labels spans of an encoded batch from their bytes', () => {
    const batch: EncodedSpans = encode(spansOfSizes([10, 10]));
    expect(describeSpanAt(batch, 1)).toMatch(/^span "s1" \(trace [0-9a-f]{32}, span [0-9a-f]{16}\)$/);
  });
});
