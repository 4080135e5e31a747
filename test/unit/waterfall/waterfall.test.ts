import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { printable } from '../../../src/util/printable.js';
import {
  fromOtlpSpan,
  renderWaterfall,
  shouldColor,
  WaterfallExporter,
  type WaterfallSpan,
} from '../../../src/waterfall/index.js';
import { ORDER_TRACE } from '../../fixtures/waterfall-trace.js';
import { counted } from '../../support/hostile.js';

const EXPECTED = [
  'trace 4bf92f3577b34da6a3ce929d0e0e4736  10 spans · 3 services · 80.0 ms · 2 errors',
  'service          span                         offset   0 ms                             80.0 ms    duration  status',
  'order-service    POST /orders               +0.00 ms  │████████████████████████████████████████│    80.0 ms         http.route=/orders http.status_code=402',
  'order-service    └ create_order             +1.00 ms  │███████████████████████████████████████ │    77.0 ms  ERROR  order.id=ord-42 customer.id=user-1 order.item_count=2 ✖ PaymentDeclinedError: Payment declined: fraud suspected',
  'order-service      ├ check_inventory        +1.50 ms  │█                                       │    1.75 ms         inventory.all_available=true',
  'order-service      ├ GET                    +4.00 ms  │  █████████████                         │    26.0 ms',
  'user-service       │ └ GET /users/:id       +6.00 ms  │   ███████████                          │    22.0 ms         http.route=/users/:id http.status_code=200',
  'user-service       │   ├ db.query           +7.00 ms  │   ██████                               │    11.0 ms         db.system=postgresql db.operation=SELECT',
  'user-service       │   └ cache.set          +19.0 ms  │         ████                           │    7.00 ms         db.system=redis cache.key=user:user-1',
  'order-service      └ POST                   +31.0 ms  │               ███████████████████████  │    45.0 ms         http.status_code=402',
  'payment-service      └ ProcessPayment       +33.0 ms  │                █████████████████████   │    41.0 ms  ERROR  order.id=ord-42 payment.amount=25000 payment.currency=EUR ◆ fraud_flagged error="fraud suspected"',
  'payment-service        └ fraud_detection    +34.0 ms  │                 ████████████████████   │    39.5 ms         fraud.detected=true',
  '',
].join('\n');

describe('renderWaterfall', () => {
  it('draws the trace as a tree with offsets, bars, statuses, attributes and events (color off)', () => {
    expect(renderWaterfall(ORDER_TRACE)).toBe(EXPECTED);
  });

  it('does not depend on the order spans arrive in', () => {
    expect(renderWaterfall([...ORDER_TRACE].reverse())).toBe(EXPECTED);
  });

  it('paints ERROR rows red when color is on, and nothing else changes', () => {
    const colored = renderWaterfall(ORDER_TRACE, { color: true });
    expect(colored).toContain('\u001b[31mERROR\u001b[39m');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(EXPECTED);
  });

  it('renders spans whose parent is missing as roots, and one block per trace', () => {
    const other: WaterfallSpan = {
      traceId: 'f'.repeat(32),
      spanId: '1'.repeat(16),
      parentSpanId: '2'.repeat(16),
      name: 'orphan',
      startTimeMs: 5,
      endTimeMs: 5,
    };
    const out = renderWaterfall([other, ...ORDER_TRACE.slice(2, 3)]);
    const blocks = out.split('\ntrace ');
    expect(blocks).toHaveLength(2);
    expect(out).toMatch(/^trace f{32} .*\n\ntrace 4bf92f35/s); // earliest trace first
    expect(out).toContain('unknown  orphan');
    expect(out).toContain(`│█${' '.repeat(39)}│    0.00 ms`);
  });

  it('cuts long names and values, and honours barWidth and the attribute list', () => {
    const span: WaterfallSpan = {
      ...ORDER_TRACE[0]!,
      name: 'x'.repeat(80),
      attributes: { 'order.id': 'o'.repeat(100), 'http.route': '/orders' },
    };
    const out = renderWaterfall([span], {
      barWidth: 10,
      maxNameWidth: 20,
      attributes: ['order.id'],
      maxValueLength: 8,
    });
    const row = out.split('\n')[2]!;
    expect(row).toContain(`${'x'.repeat(19)}…`);
    expect(row).toContain('│██████████│');
    expect(row).toContain('order.id=ooooooo…');
    expect(row).not.toContain('http.route');
  });

  // barWidth was used as given: 1e9, 2 ** 31 or Infinity made ' '.repeat() throw RangeError (the
  // WaterfallExporter caught it: the trace was never printed), 1e8 built a 100 MB row per span,
  // and NaN drew no bar at all. The width of a bar is now at most 1,000 cells.
  it.each([
    ['1e9', 1000, 1e9],
    ['2 ** 31', 1000, 2 ** 31],
    ['Infinity', 1000, Number.POSITIVE_INFINITY],
    ['NaN', 40, Number.NaN],
    ['-5', 10, -5],
    ['40.5', 40, 40.5],
    ["'80' (a string)", 40, '80'],
  ])('barWidth %s draws bars of %i cells', (_given, cells, barWidth) => {
    const rows = renderWaterfall(ORDER_TRACE, { barWidth: barWidth as number }).split('\n');
    expect(rows).toHaveLength(EXPECTED.split('\n').length);
    expect(rows[2]).toContain(`│${'█'.repeat(cells)}│`);
    for (const row of rows) expect(row.length).toBeLessThan(1200);
  });

  it('maxNameWidth or maxValueLength given as NaN keep their defaults (names and values showed as …)', () => {
    expect(renderWaterfall(ORDER_TRACE, { maxNameWidth: Number.NaN, maxValueLength: Number.NaN })).toBe(
      EXPECTED,
    );
  });

  it('shows control characters from span data as escapes: one row per span, no terminal codes', () => {
    const span: WaterfallSpan = {
      ...ORDER_TRACE[0]!,
      serviceName: 'svc\u001b[2J',
      name: 'GET /x\r\u001b[31mforged',
      events: [{ name: 'ev\n\u0007bell', timeMs: ORDER_TRACE[0]!.startTimeMs }],
    };
    const out = renderWaterfall([span], { maxNameWidth: 60 });
    const rows = out.trimEnd().split('\n');
    for (const row of rows) expect(printable(row)).toBe(row); // nothing left to escape
    expect(rows).toHaveLength(3); // the trace's line, the header, the span
    expect(rows[2]).toContain('svc\\x1b[2J');
    expect(rows[2]).toContain('GET /x\\r\\x1b[31mforged');
    expect(rows[2]).toContain('◆ ev\\n\\x07bell');
  });

  // The trace's line printed the trace id as given: one read from OTLP JSON (fromOtlpSpan) or
  // passed to renderWaterfall could clear the screen or reverse the text after it.
  it("the trace id in the trace's line: escaped too", () => {
    const span: WaterfallSpan = { ...ORDER_TRACE[0]!, traceId: 't\u001b[2J\u202eid' };
    const first = renderWaterfall([span]).split('\n')[0]!;
    expect(printable(first)).toBe(first);
    expect(first).toMatch(/^trace t\\x1b\[2J\\u202eid {2}1 span/);
  });

  // Attribute values are whatever the span data holds (OTLP JSON read by fromOtlpSpan, or spans
  // given directly). An array was stringified whole before being cut to maxValueLength: a sparse
  // `new Array(2 ** 32 - 1)` took 78 s and then threw RangeError (Invalid string length), an array
  // nested 100,000 deep overflowed the stack, and a value whose toString throws threw out.
  it('an attribute or exception value is read no further than it is shown, and never throws', () => {
    const { list: sparse, reads } = counted(new Array(2 ** 32 - 1));
    let nested: unknown[] = [];
    for (let i = 0; i < 100_000; i++) nested = [nested];
    const unprintable = {
      toString() {
        throw new Error('toString boom');
      },
    };
    const span: WaterfallSpan = {
      ...ORDER_TRACE[0]!,
      attributes: { 'http.route': sparse, 'db.system': nested, 'cache.key': unprintable },
      events: [{ name: 'exception', attributes: { 'exception.type': nested, 'exception.message': 'm' } }],
    };
    const row = renderWaterfall([span], { maxValueLength: 20 }).split('\n')[2]!;
    expect(row).toContain('http.route=[undefined,undefine…');
    expect(row).toContain('db.system=[[…]]');
    expect(row).toContain('cache.key=?');
    expect(row).toContain('✖ [[…]]: m');
    expect(reads()).toBeLessThan(100);
  });

  it('renders a trace of 150,000 spans (Math.max over a spread of that many arguments threw RangeError)', () => {
    const root = ORDER_TRACE[0]!;
    const spans: WaterfallSpan[] = [root];
    for (let i = 0; i < 150_000; i++)
      spans.push({
        ...root,
        spanId: i.toString(16).padStart(16, '0'),
        parentSpanId: root.spanId,
        name: `child ${i}`,
      });
    const out = renderWaterfall(spans);
    expect(out.split('\n')).toHaveLength(150_001 + 3);
    expect(out).toContain('└ child 149999');
  });
});

describe('shouldColor', () => {
  it('respects NO_COLOR, then FORCE_COLOR, then the TTY', () => {
    expect(shouldColor({ isTTY: true }, {})).toBe(true);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(shouldColor({ isTTY: false }, {})).toBe(false);
    expect(shouldColor({}, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldColor({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
  });
});

describe('fromOtlpSpan', () => {
  // BigInt() of a time that is no whole number threw (SyntaxError for "1.7e18" or "", RangeError
  // for Infinity): one malformed span of a collector's file export stopped the whole render.
  it.each(['1.7000000000123457e18', 'soon', '', Number.POSITIVE_INFINITY, Number.NaN, 1.5e18])(
    'a time given as %s: a number of milliseconds, never a throw',
    (time) => {
      const span = fromOtlpSpan({
        traceId: 'a'.repeat(32),
        spanId: 'b'.repeat(16),
        name: 'n',
        startTimeUnixNano: time,
        endTimeUnixNano: time,
      });
      expect(Number.isFinite(span.startTimeMs)).toBe(true);
      if (time === 1.5e18) expect(span.startTimeMs).toBe(1.5e12);
      if (time === '1.7000000000123457e18') expect(span.startTimeMs).toBeCloseTo(1.7000000000123457e12, 0);
    },
  );

  it('maps the receiver shape (nanosecond bigints, resource attributes, status)', () => {
    const span = fromOtlpSpan({
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      parentSpanId: '',
      name: 'POST /payments',
      startTimeUnixNano: 1_700_000_000_123_456_789n,
      endTimeUnixNano: 1_700_000_000_125_456_789n,
      attributes: { 'order.id': 'o-1' },
      events: [{ name: 'payment_completed', timeUnixNano: 1_700_000_000_124_000_000n, attributes: {} }],
      status: { code: 2, message: 'boom' },
      resource: { 'service.name': 'payment-service' },
    });
    expect(span).toMatchObject({
      parentSpanId: undefined,
      serviceName: 'payment-service',
      startTimeMs: 1_700_000_000_123.456,
      endTimeMs: 1_700_000_000_125.456,
      status: { code: 2, message: 'boom' },
    });
    const nested = fromOtlpSpan({
      traceId: 'a'.repeat(32),
      spanId: 'c'.repeat(16),
      name: 'x',
      startTimeUnixNano: '1000000',
      endTimeUnixNano: 3_000_000,
      status: { code: 'ERROR', message: 'bad' },
      resource: { attributes: { 'service.name': 's' } },
    });
    expect(nested).toMatchObject({
      serviceName: 's',
      startTimeMs: 1,
      endTimeMs: 3,
      status: { code: 2, message: 'bad' },
    });
  });
});

describe('WaterfallExporter', () => {
  let provider: BasicTracerProvider;
  let output: string[];
  let exporter: WaterfallExporter;

  beforeEach(() => {
    trace.disable();
    context.disable();
    propagation.disable();
    output = [];
    exporter = new WaterfallExporter({
      stream: { write: (chunk: string) => output.push(chunk), isTTY: true },
      env: { NO_COLOR: '1' },
      idleTimeoutMillis: 50,
      rootGraceMillis: 0,
    });
    provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'order-service' }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
  });

  afterEach(async () => {
    await provider.shutdown();
    vi.useRealTimers();
  });

  it('prints a trace once its root span ends, with children and NO_COLOR respected', () => {
    const tracer = provider.getTracer('test');
    const root = tracer.startSpan('POST /orders', { kind: SpanKind.SERVER });
    const child = tracer.startSpan('create_order', {}, trace.setSpan(context.active(), root));
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'Out of stock' });
    child.end();
    expect(output).toHaveLength(0);
    root.end();
    expect(output).toHaveLength(1);
    expect(output[0]).toContain('order-service  POST /orders');
    expect(output[0]).toContain('└ create_order');
    expect(output[0]).toContain('ERROR  error="Out of stock"');
    expect(output[0]).not.toContain('\u001b[');
  });

  /** A waterfall keeping 10 spans a trace, writing to `output`, and a tracer in front of it. */
  const keepingTen = (rootGraceMillis: number) => {
    const exporter = new WaterfallExporter({
      stream: { write: (chunk: string) => output.push(chunk) },
      env: { NO_COLOR: '1' },
      rootGraceMillis,
      maxSpansPerTrace: 10,
    });
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    return { exporter, tracer: provider.getTracer('test') };
  };

  it('keeps at most maxSpansPerTrace spans of a trace (its root past them), and says how many it left out', () => {
    const { tracer } = keepingTen(0);
    const root = tracer.startSpan('GET /loop', { kind: SpanKind.SERVER });
    const inRoot = trace.setSpan(context.active(), root);
    for (let i = 0; i < 25; i++) tracer.startSpan(`child-${i}`, {}, inRoot).end();
    expect(output).toHaveLength(0);
    root.end();
    expect(output).toHaveLength(1);
    expect(output[0]).toContain('GET /loop');
    expect(output[0]).toContain('child-9');
    expect(output[0]).not.toContain('child-10');
    expect(output[0]).toContain('… and 15 more spans of this trace, not shown (maxSpansPerTrace 10)');
  });

  it('stays bounded when every span of a trace is a root (one remote parent for many requests)', () => {
    const { tracer, exporter: bounded } = keepingTen(60_000);
    const remote = trace.setSpanContext(context.active(), {
      traceId: '3'.repeat(32),
      spanId: '4'.repeat(16),
      traceFlags: 1,
      isRemote: true,
    });
    for (let i = 0; i < 100; i++) tracer.startSpan(`GET /r${i}`, {}, remote).end();
    void bounded.forceFlush();
    expect(output).toHaveLength(1);
    expect(output[0]).toContain('GET /r19');
    expect(output[0]).not.toContain('GET /r20');
    expect(output[0]).toContain('… and 80 more spans of this trace, not shown (maxSpansPerTrace 10)');
  });

  // README: "It keeps at most 1,000 traces and 1,000 spans of each (root spans up to 2,000; the
  // print says how many it left out)". The tests above use a bound of 10; these, the defaults.
  it('by default keeps 1,000 spans of a trace, and 2,000 of one whose spans are all roots', () => {
    /** A waterfall with the default bounds, writing to `output`, and a tracer in front of it. */
    const byDefault = (rootGraceMillis: number) => {
      const exporter = new WaterfallExporter({
        stream: { write: (chunk: string) => output.push(chunk) },
        env: { NO_COLOR: '1' },
        rootGraceMillis,
      });
      const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
      return { exporter, tracer: provider.getTracer('t') };
    };
    const one = byDefault(0);
    const root = one.tracer.startSpan('GET /loop', { kind: SpanKind.SERVER });
    const inRoot = trace.setSpan(context.active(), root);
    for (let i = 0; i < 1_200; i++) one.tracer.startSpan(`child-${i}`, {}, inRoot).end();
    root.end();
    expect(output).toHaveLength(1);
    expect(output[0]).toMatch(/\bchild-999\b/);
    expect(output[0]).not.toMatch(/\bchild-1000\b/);
    expect(output[0]).toContain('… and 200 more spans of this trace, not shown (maxSpansPerTrace 1000)');
    void one.exporter.shutdown();

    // Each span a root of its own (one remote parent): printed together once the grace has passed.
    const roots = byDefault(60_000);
    const remote = trace.setSpanContext(context.active(), {
      traceId: '5'.repeat(32),
      spanId: '6'.repeat(16),
      traceFlags: 1,
      isRemote: true,
    });
    for (let i = 0; i < 2_100; i++) roots.tracer.startSpan(`GET /r${i}`, {}, remote).end();
    void roots.exporter.forceFlush();
    expect(output).toHaveLength(2);
    expect(output[1]).toMatch(/GET \/r1999\b/);
    expect(output[1]).not.toMatch(/GET \/r2000\b/);
    expect(output[1]).toContain('… and 100 more spans of this trace, not shown (maxSpansPerTrace 1000)');
    void roots.exporter.shutdown();
  });

  it('prints spans whose root is elsewhere after the idle timeout, and on forceFlush', async () => {
    vi.useFakeTimers();
    const tracer = provider.getTracer('test');
    const remote = trace.setSpanContext(context.active(), {
      traceId: '1'.repeat(32),
      spanId: '2'.repeat(16),
      traceFlags: 1,
      isRemote: false, // a local parent that is not ended yet: not a root
    });
    tracer.startSpan('late_child', {}, remote).end();
    expect(output).toHaveLength(0);
    vi.advanceTimersByTime(60);
    expect(output).toHaveLength(1);
    expect(output[0]).toContain('late_child');

    tracer.startSpan('another', {}, remote).end();
    await exporter.forceFlush();
    expect(output).toHaveLength(2);
  });

  it('treats a span with a remote parent as the local root', () => {
    const tracer = provider.getTracer('test');
    const remote = trace.setSpanContext(context.active(), {
      traceId: '3'.repeat(32),
      spanId: '4'.repeat(16),
      traceFlags: 1,
      isRemote: true,
    });
    tracer.startSpan('GET /users/:id', { kind: SpanKind.SERVER }, remote).end();
    expect(output).toHaveLength(1);
  });

  it('waits rootGraceMillis after the root for spans that end just after it (express layers)', async () => {
    vi.useFakeTimers();
    const graceful = new WaterfallExporter({
      stream: { write: (c: string) => output.push(c) },
      rootGraceMillis: 100,
    });
    const graceProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(graceful)] });
    const tracer = graceProvider.getTracer('test');
    const root = tracer.startSpan('POST /payments', { kind: SpanKind.SERVER });
    const layer = tracer.startSpan('request handler', {}, trace.setSpan(context.active(), root));
    root.end();
    vi.advanceTimersByTime(50);
    layer.end();
    expect(output).toHaveLength(0);
    vi.advanceTimersByTime(60);
    expect(output).toHaveLength(1);
    expect(output[0]).toContain('└ request handler');
    await graceProvider.shutdown();
  });

  // Math.max(1, NaN) is NaN, and `size >= NaN` never holds: a bound given as NaN (or a string that
  // is no number, from JavaScript) let every trace whose root is elsewhere wait, unbounded.
  it.each([Number.NaN, 'lots'])('a bound given as %s: the default bound is kept', (bound) => {
    const written: string[] = [];
    const waiting = new WaterfallExporter({
      stream: { write: (chunk: string) => written.push(chunk) },
      env: { NO_COLOR: '1' },
      idleTimeoutMillis: 60_000,
      maxPendingTraces: bound as number,
      maxSpansPerTrace: bound as number,
    });
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(waiting)] }).getTracer(
      't',
    );
    for (let i = 0; i < 1001; i++) {
      const parent = trace.setSpanContext(context.active(), {
        traceId: i.toString(16).padStart(32, '0'),
        spanId: '2'.repeat(16),
        traceFlags: 1,
        isRemote: false,
      });
      tracer.startSpan(`child-${i}`, {}, parent).end();
    }
    // The 1,001st trace pushed the oldest out: printed, with its span.
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('child-0');
    void waiting.shutdown();
  });

  it('says which render option it cannot use as given, and what it uses instead; then prints', () => {
    const lines: string[] = [];
    const odd = new WaterfallExporter({
      stream: { write: (chunk: string) => lines.push(chunk) },
      env: { NO_COLOR: '1' },
      rootGraceMillis: 0,
      barWidth: 1e9,
      maxNameWidth: Number.NaN,
      maxValueLength: '20' as unknown as number,
    });
    expect(lines).toEqual([
      '[@acme/otel] WaterfallExporter barWidth=1000000000 was given, but it is more than 1000, using 1000.\n',
      '[@acme/otel] WaterfallExporter maxNameWidth=NaN was given, but it is no number, using 50.\n',
      '[@acme/otel] WaterfallExporter maxValueLength="20" was given, but it is no number, using 48.\n',
    ]);
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(odd)] }).getTracer('t');
    tracer.startSpan('GET /wide').end();
    expect(lines).toHaveLength(4);
    expect(lines[3]).toContain(`GET /wide`);
    expect(lines[3]).toContain(`│${'█'.repeat(1000)}│`);
    const write = (chunk: string) => lines.push(chunk);
    expect(new WaterfallExporter({ stream: { write }, barWidth: 80, maxValueLength: 200 })).toBeDefined();
    expect(lines).toHaveLength(4); // good options: nothing said
    expect(new WaterfallExporter({ stream: { write }, barWidth: -5 })).toBeDefined();
    expect(lines[4]).toBe(
      '[@acme/otel] WaterfallExporter barWidth=-5 was given, but it is less than 10, using 10.\n',
    );
  });

  it('fails exports after shutdown', async () => {
    await exporter.shutdown();
    const result = await new Promise((resolve) => exporter.export([], resolve));
    expect(result).toMatchObject({ code: 1 });
  });
});
