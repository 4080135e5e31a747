import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { withSpan } from '../../../src/context/index.js';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { pinoMergeStrategy, pinoMixin, pinoStreamWrite } from '../../../src/log-correlation/index.js';
import type { TestTracing } from '../../../src/testing/index.js';
import { resetTracing, setupTestTracing } from '../../../src/testing/index.js';

let tracing: TestTracing;
beforeEach(() => {
  resetTracing();
  tracing = setupTestTracing();
});
afterEach(() => tracing.shutdown());

function capture() {
  const lines: string[] = [];
  return { lines, stream: { write: (line: string) => void lines.push(line) } };
}

describe('pinoMixin', () => {
  it("guards the span's fields only for a call that passes one of their names (the accessors doubled a line's cost)", async () => {
    const mixin = pinoMixin();
    setLogSink(() => {});
    onTestFinished(resetLogger); // its warn-once state: the next tests count their own lines
    await withSpan('op', async () => {
      const plain = mixin({ orderId: 'o-1' }, 30);
      expect(Object.getOwnPropertyDescriptor(plain, 'trace_id')).toHaveProperty('value');
      const forged = mixin({ trace_id: 'f'.repeat(32) }, 30);
      expect(Object.getOwnPropertyDescriptor(forged, 'trace_id')).toHaveProperty('get');
      // pino's default merge into the guarded object keeps the span's id.
      expect(Object.assign(forged, { trace_id: 'f'.repeat(32) }).trace_id).not.toBe('f'.repeat(32));
    });
  });

  it('a real pino logger writes the ids of the span exported for the same operation', async () => {
    const { lines, stream } = capture();
    const logger = pino({ mixin: pinoMixin() }, stream);
    await withSpan('GET /orders/:id', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info({ orderId: 'o-1' }, 'order loaded');
      logger.child({ module: 'db' }).warn('slow query');
    });
    logger.info('outside');

    const span = tracing.expectSpan('GET /orders/:id').spanContext();
    const [inside, child, outside] = lines.map((l) => JSON.parse(l));
    expect(inside).toMatchObject({
      msg: 'order loaded',
      orderId: 'o-1',
      trace_id: span.traceId,
      span_id: span.spanId,
      trace_flags: '01',
    });
    expect(child).toMatchObject({
      msg: 'slow query',
      module: 'db',
      trace_id: span.traceId,
      span_id: span.spanId,
    });
    expect(outside).toMatchObject({ trace_id: '0'.repeat(32), span_id: '0'.repeat(16), trace_flags: '00' });
  });

  it('supports custom keys and omitting fields outside spans', () => {
    const { lines, stream } = capture();
    const logger = pino(
      { mixin: pinoMixin({ keys: { traceId: 'dd.trace_id', spanId: 'dd.span_id' }, whenNoSpan: 'omit' }) },
      stream,
    );
    withSpan('job', () => logger.info('in'));
    logger.info('out');
    const span = tracing.expectSpan('job').spanContext();
    const [inside, outside] = lines.map((l) => JSON.parse(l));
    expect(inside).toMatchObject({ 'dd.trace_id': span.traceId, 'dd.span_id': span.spanId });
    expect(outside).not.toHaveProperty('dd.trace_id');
    expect(outside).not.toHaveProperty('trace_id');
  });

  it("with pinoMergeStrategy, a log call's fields cannot replace the active span's ids", () => {
    // `logger.info(req.query, 'x')` with `?trace_id=<another trace>&span_id=…` pointed the line
    // at the other trace: pino's default merge lets the call's fields win over the mixin's.
    const { lines, stream } = capture();
    const logger = pino({ mixin: pinoMixin(), mixinMergeStrategy: pinoMergeStrategy }, stream);
    const warnings: string[] = [];
    setLogSink((_level, line) => warnings.push(line));
    try {
      const query = { trace_id: 'f'.repeat(32), span_id: 'e'.repeat(16), q: 'shoes' };
      withSpan('request', () => {
        logger.info(query, 'search');
        logger.child({ module: 'db' }).info({ ...query }, 'child');
      });
      logger.info({ trace_id: 'job-7' }, 'no span: the call fills the field');
    } finally {
      resetLogger();
    }
    const span = tracing.expectSpan('request').spanContext();
    for (const line of lines.slice(0, 2)) {
      expect(line.match(/"trace_id"/g)).toHaveLength(1);
      expect(JSON.parse(line)).toMatchObject({
        trace_id: span.traceId,
        span_id: span.spanId,
        trace_flags: '01',
        trace_id_from_call: 'f'.repeat(32),
        span_id_from_call: 'e'.repeat(16),
        q: 'shoes',
      });
    }
    expect(JSON.parse(lines[2]!).trace_id).toBe('job-7');
    expect(warnings).toEqual([
      '[@acme/otel] a log call passed its own "trace_id" while a span was active; the span\'s is written, the call\'s kept as "trace_id_from_call" (logged once per field name)',
      '[@acme/otel] a log call passed its own "span_id" while a span was active; the span\'s is written, the call\'s kept as "span_id_from_call" (logged once per field name)',
    ]);
  });

  it("pinoMixin alone keeps the span's ids too: pino's default merge goes through its accessors", () => {
    const { lines, stream } = capture();
    const logger = pino({ mixin: pinoMixin() }, stream);
    const warnings: string[] = [];
    setLogSink((_level, line) => warnings.push(line));
    try {
      withSpan('job', () => {
        logger.info({ trace_id: 'f'.repeat(32), trace_flags: undefined, q: 1 }, 'x');
        logger.child({ a: 1 }).info({ span_id: 'again' }, 'y');
        logger.child({ trace_id: 'job-7' }).info({ trace_id: 'call' }, 'bound and passed');
      });
      logger.info({ trace_id: 'no span' }, 'z');
    } finally {
      resetLogger();
    }
    const span = tracing.expectSpan('job').spanContext();
    for (const line of lines) expect(line.match(/"trace_id"/g), line).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      trace_id: span.traceId,
      trace_flags: '01',
      trace_id_from_call: 'f'.repeat(32),
      q: 1,
    });
    expect(JSON.parse(lines[1]!)).toMatchObject({ span_id: span.spanId, span_id_from_call: 'again' });
    expect(JSON.parse(lines[2]!)).toMatchObject({ trace_id: 'job-7', trace_id_from_call: 'call' });
    expect(JSON.parse(lines[3]!).trace_id).toBe('no span');
    expect(warnings.every((w) => w.includes('_from_call'))).toBe(true);
  });

  it("says once when the logger's own mixinMergeStrategy lets a call's ids win", () => {
    const { lines, stream } = capture();
    const spread = (merge: object, mixin: object) => ({ ...mixin, ...merge });
    const logger = pino({ mixin: pinoMixin(), mixinMergeStrategy: spread }, stream);
    const warnings: string[] = [];
    setLogSink((_level, line) => warnings.push(line));
    try {
      withSpan('job', () => logger.info({ trace_id: 'call' }, 'x'));
    } finally {
      resetLogger();
    }
    expect(JSON.parse(lines[0]!).trace_id).toBe('call');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('use mixinMergeStrategy: pinoMergeStrategy');
  });

  it("a child logger's bindings win too: each key once per line, also after setBindings", () => {
    // pino writes bindings before the mixin's fields: `"trace_id":"job-7"` and then the span's
    // `"trace_id":"…"` in one JSON line, which Elasticsearch refuses whole ("Duplicate field").
    const { lines, stream } = capture();
    const logger = pino({ mixin: pinoMixin() }, stream);
    const child = logger.child({ trace_id: 'job-7' });
    withSpan('job', () => {
      child.info('first');
      child.setBindings({ span_id: 'step-2' });
      child.info('second');
      logger.info('parent');
    });
    const span = tracing.expectSpan('job').spanContext();
    const count = (line: string, key: string) => line.split(`"${key}":`).length - 1;
    for (const line of lines) {
      for (const key of ['trace_id', 'span_id', 'trace_flags']) expect(count(line, key), line).toBe(1);
    }
    const [first, second, parent] = lines.map((l) => JSON.parse(l));
    expect(first).toMatchObject({ trace_id: 'job-7', span_id: span.spanId, trace_flags: '01' });
    expect(second).toMatchObject({ trace_id: 'job-7', span_id: 'step-2', trace_flags: '01' });
    expect(parent).toMatchObject({ trace_id: span.traceId, span_id: span.spanId });
  });
});

describe('pinoMixin with nestedKey', () => {
  // pino puts all the mixin returns under `nestedKey`: the ids went to `payload.trace_id`, where
  // log backends do not look, and a child's bound trace_id sat at the top level beside them.
  const count = (line: string, key: string) => line.split(`"${key}":`).length - 1;

  it('with hooks.streamWrite: pinoStreamWrite, writes the fields at the top level, once', () => {
    const { lines, stream } = capture();
    const logger = pino(
      { nestedKey: 'payload', mixin: pinoMixin(), hooks: { streamWrite: pinoStreamWrite } },
      stream,
    );
    withSpan('request', () => {
      logger.info({ orderId: 'o-1' }, 'created');
      logger.child({ trace_id: 'job-7' }).info('bound');
      logger.info('no object');
    });
    logger.info({ orderId: 'o-2' }, 'outside');
    const span = tracing.expectSpan('request').spanContext();
    for (const line of lines) {
      for (const key of ['trace_id', 'span_id', 'trace_flags']) expect(count(line, key), line).toBe(1);
    }
    const [created, bound, bare, outside] = lines.map((l) => JSON.parse(l));
    expect(created).toMatchObject({
      trace_id: span.traceId,
      span_id: span.spanId,
      trace_flags: '01',
      payload: { orderId: 'o-1' },
      msg: 'created',
    });
    expect(created.payload).toEqual({ orderId: 'o-1' });
    expect(bound).toMatchObject({ trace_id: 'job-7', span_id: span.spanId });
    expect(bare).toMatchObject({ trace_id: span.traceId, msg: 'no object' });
    expect(outside).toMatchObject({ trace_id: '0'.repeat(32), payload: { orderId: 'o-2' } });
  });

  it('without the hook, leaves them nested and says once how to fix it', () => {
    const { lines, stream } = capture();
    const logger = pino({ nestedKey: 'payload', mixin: pinoMixin() }, stream);
    const warnings: string[] = [];
    setLogSink((_level, line) => warnings.push(line));
    try {
      withSpan('request', () => {
        logger.info('a');
        logger.info('b');
      });
    } finally {
      resetLogger();
    }
    expect(JSON.parse(lines[0]!).payload.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('hooks: { streamWrite: pinoStreamWrite }');
  });
});
