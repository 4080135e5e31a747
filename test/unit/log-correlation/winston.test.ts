import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import winston from 'winston';
import { withSpan } from '../../../src/context/index.js';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { winstonFormat } from '../../../src/log-correlation/index.js';
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
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('winstonFormat', () => {
  it('a real winston logger writes the ids of the span exported for the same operation', async () => {
    const { lines, stream } = capture();
    const logger = winston.createLogger({
      format: winston.format.combine(winstonFormat(), winston.format.json()),
      transports: [new winston.transports.Stream({ stream })],
    });
    await withSpan('POST /payments', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info('charging', { amount: 1299 });
      logger.child({ module: 'gateway' }).error('declined');
    });
    logger.warn('outside');
    await flush();

    const span = tracing.expectSpan('POST /payments').spanContext();
    const [charging, declined, outside] = lines.map((l) => JSON.parse(l));
    expect(charging).toMatchObject({
      message: 'charging',
      amount: 1299,
      trace_id: span.traceId,
      span_id: span.spanId,
      trace_flags: '01',
    });
    expect(declined).toMatchObject({ module: 'gateway', trace_id: span.traceId, span_id: span.spanId });
    expect(outside).toMatchObject({ trace_id: '0'.repeat(32), span_id: '0'.repeat(16) });
  });

  it('works as a plain format object in printf pipelines, with custom keys and omit', async () => {
    const { lines, stream } = capture();
    const logger = winston.createLogger({
      format: winston.format.combine(
        winstonFormat({
          keys: { traceId: 'traceId', spanId: 'spanId', traceFlags: false },
          whenNoSpan: 'omit',
        }),
        winston.format.printf(
          (info) => `${info.level} ${info.message} ${info.traceId ?? '-'} ${info.spanId ?? '-'}`,
        ),
      ),
      transports: [new winston.transports.Stream({ stream })],
    });
    withSpan('job', () => logger.info('in'));
    logger.info('out');
    await flush();
    const span = tracing.expectSpan('job').spanContext();
    expect(lines).toEqual([`info in ${span.traceId} ${span.spanId}`, 'info out - -']);
  });

  it('placed after the format that writes the line, says so once instead of correlating nothing', async () => {
    // json() on the logger and winstonFormat() on the transport (or after json() in combine):
    // every line went out without ids, and nothing said why.
    const lines: string[] = [];
    setLogSink((_level, line) => lines.push(line));
    try {
      const out = capture();
      const logger = winston.createLogger({
        format: winston.format.json(),
        transports: [new winston.transports.Stream({ stream: out.stream, format: winstonFormat() })],
      });
      withSpan('job', () => {
        logger.info('one');
        logger.info('two');
      });
      await flush();
      expect(out.lines.map((l) => JSON.parse(l))).toEqual([
        { level: 'info', message: 'one' },
        { level: 'info', message: 'two' },
      ]);
      expect(lines).toEqual([
        '[@acme/otel] winstonFormat() ran after a format that had already written the line (json(), printf(), simple()…): the trace fields are on the record but not in that line. Put winstonFormat() before it in format.combine, on the logger.',
      ]);
      // In the right order: nothing to say.
      resetLogger();
      setLogSink((_level, line) => lines.push(line));
      const right = capture();
      const correlated = winston.createLogger({
        format: winston.format.combine(winstonFormat(), winston.format.json()),
        transports: [new winston.transports.Stream({ stream: right.stream })],
      });
      withSpan('job', () => correlated.info('three'));
      await flush();
      expect(lines).toHaveLength(1);
      expect(JSON.parse(right.lines[0]!)).toHaveProperty('trace_id');
    } finally {
      resetLogger();
    }
  });

  it("a log call's fields cannot replace the active span's ids; with no span they fill the fields", async () => {
    // `logger.info('search', req.query)` with `?trace_id=<another trace>` pointed the line at it.
    const { lines, stream } = capture();
    const logger = winston.createLogger({
      format: winston.format.combine(winstonFormat(), winston.format.json()),
      transports: [new winston.transports.Stream({ stream })],
    });
    const warnings: string[] = [];
    setLogSink((_level, line) => warnings.push(line));
    try {
      withSpan('job', () => logger.info('x', { trace_id: 'f'.repeat(32), trace_flags: '00' }));
      logger.info('y', { trace_id: 'explicit' });
      await flush();
    } finally {
      resetLogger();
    }
    const span = tracing.expectSpan('job').spanContext();
    expect(JSON.parse(lines[0]!)).toMatchObject({
      trace_id: span.traceId,
      span_id: span.spanId,
      trace_flags: '01',
      trace_id_from_call: 'f'.repeat(32),
      trace_flags_from_call: '00',
    });
    expect(JSON.parse(lines[1]!).trace_id).toBe('explicit');
    expect(warnings).toHaveLength(2);
  });
});
