import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withSpan } from '../../../src/context/index.js';
import { pinoMixin } from '../../../src/log-correlation/index.js';
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

  it('fields passed in the log call win over the mixin', () => {
    const { lines, stream } = capture();
    const logger = pino({ mixin: pinoMixin() }, stream);
    withSpan('job', () => logger.info({ trace_id: 'explicit' }, 'x'));
    expect(lines[0]?.match(/"trace_id"/g)).toHaveLength(1);
    expect(JSON.parse(lines[0]!).trace_id).toBe('explicit');
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
