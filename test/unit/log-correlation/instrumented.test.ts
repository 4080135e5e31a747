// The upstream pino/winston instrumentations inject the same keys (trace_id, span_id,
// trace_flags). With ours configured too, each key must appear once, with the same value.
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { WinstonInstrumentation } from '@opentelemetry/instrumentation-winston';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withSpan } from '../../../src/context/index.js';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import {
  pinoMergeStrategy,
  pinoMixin,
  pinoStreamWrite,
  winstonFormat,
} from '../../../src/log-correlation/index.js';
import type { TestTracing } from '../../../src/testing/index.js';
import { resetTracing, setupTestTracing } from '../../../src/testing/index.js';

// Enabled before the loggers are required, so require-in-the-middle patches them.
const pinoInstrumentation = new PinoInstrumentation({ disableLogSending: true });
const winstonInstrumentation = new WinstonInstrumentation({ disableLogSending: true });
const require = createRequire(import.meta.url);
const pino = require('pino') as typeof import('pino').default;
const winston = require('winston') as typeof import('winston');

let tracing: TestTracing;
beforeAll(() => {
  pinoInstrumentation.enable();
  winstonInstrumentation.enable();
});
afterAll(() => {
  pinoInstrumentation.disable();
  winstonInstrumentation.disable();
});
beforeEach(() => {
  resetTracing();
  tracing = setupTestTracing();
});
afterEach(() => tracing.shutdown());

const count = (line: string, key: string) => line.split(`"${key}":`).length - 1;

describe('with @opentelemetry/instrumentation-pino active', () => {
  it('the instrumentation is really active, and our mixin adds no duplicate', () => {
    const lines: string[] = [];
    const stream = { write: (line: string) => void lines.push(line) };
    const bare = pino({}, stream);
    const ours = pino({ mixin: pinoMixin() }, stream);
    withSpan('request', () => {
      bare.info('instrumentation only');
      ours.info('both');
    });
    const span = tracing.expectSpan('request').spanContext();
    expect(JSON.parse(lines[0]!)).toMatchObject({ trace_id: span.traceId, span_id: span.spanId });
    for (const key of ['trace_id', 'span_id', 'trace_flags']) expect(count(lines[1]!, key)).toBe(1);
    expect(JSON.parse(lines[1]!)).toMatchObject({
      trace_id: span.traceId,
      span_id: span.spanId,
      trace_flags: '01',
    });
  });
});

describe("with @opentelemetry/instrumentation-pino active, a child logger's bindings", () => {
  it('are each written once with our mixin: the copy the instrumentation adds is taken back', () => {
    // initTracing() turns the instrumentation on: `child({ trace_id })` gave the key twice.
    const lines: string[] = [];
    const stream = { write: (line: string) => void lines.push(line) };
    withSpan('request', () => pino({ mixin: pinoMixin() }, stream).child({ trace_id: 'job-7' }).info('x'));
    const span = tracing.expectSpan('request').spanContext();
    for (const key of ['trace_id', 'span_id', 'trace_flags']) expect(count(lines[0]!, key), lines[0]).toBe(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      trace_id: 'job-7',
      span_id: span.spanId,
      trace_flags: '01',
    });
  });
});

describe('with @opentelemetry/instrumentation-pino active, pinoMergeStrategy', () => {
  it("keeps the span's ids over a log call's: the instrumentation's merge keeps our mark", () => {
    const lines: string[] = [];
    const stream = { write: (line: string) => void lines.push(line) };
    const logger = pino({ mixin: pinoMixin(), mixinMergeStrategy: pinoMergeStrategy }, stream);
    withSpan('request', () => logger.info({ trace_id: 'f'.repeat(32) }, 'x'));
    const span = tracing.expectSpan('request').spanContext();
    expect(count(lines[0]!, 'trace_id')).toBe(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      trace_id: span.traceId,
      trace_id_from_call: 'f'.repeat(32),
    });
  });
});

describe('with @opentelemetry/instrumentation-pino constructed by the app and pinoMixin alone', () => {
  it("a call's ids win (the instrumentation merges ours into its object), said once", () => {
    const lines: string[] = [];
    const stream = { write: (line: string) => void lines.push(line) };
    const warnings: string[] = [];
    setLogSink((_level, line) => warnings.push(line));
    try {
      withSpan('request', () => pino({ mixin: pinoMixin() }, stream).info({ trace_id: 'call' }, 'x'));
    } finally {
      resetLogger();
    }
    expect(JSON.parse(lines[0]!).trace_id).toBe('call');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('use mixinMergeStrategy: pinoMergeStrategy');
  });
});

describe('with @opentelemetry/instrumentation-pino active and nestedKey', () => {
  it("pinoStreamWrite writes the ids at the top level once, and takes back the instrumentation's nested copy", () => {
    const lines: string[] = [];
    const stream = { write: (line: string) => void lines.push(line) };
    const options = { nestedKey: 'payload', mixin: pinoMixin(), hooks: { streamWrite: pinoStreamWrite } };
    withSpan('request', () => pino(options, stream).info({ orderId: 'o-1' }, 'x'));
    const span = tracing.expectSpan('request').spanContext();
    expect(count(lines[0]!, 'trace_id')).toBe(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ trace_id: span.traceId, payload: { orderId: 'o-1' } });
    expect(JSON.parse(lines[0]!).payload).toEqual({ orderId: 'o-1' });
  });
});

describe('with @opentelemetry/instrumentation-winston active', () => {
  it('the instrumentation is really active, and our format adds no duplicate', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk).trim());
        done();
      },
    });
    const make = (withOurs: boolean) =>
      winston.createLogger({
        format: withOurs
          ? winston.format.combine(winstonFormat(), winston.format.json())
          : winston.format.json(),
        transports: [new winston.transports.Stream({ stream })],
      });
    const bare = make(false);
    const ours = make(true);
    withSpan('request', () => {
      bare.info('instrumentation only');
      ours.info('both');
    });
    await new Promise((resolve) => setImmediate(resolve));
    const span = tracing.expectSpan('request').spanContext();
    expect(JSON.parse(lines[0]!)).toMatchObject({ trace_id: span.traceId, span_id: span.spanId });
    for (const key of ['trace_id', 'span_id', 'trace_flags']) expect(count(lines[1]!, key)).toBe(1);
    expect(JSON.parse(lines[1]!)).toMatchObject({
      trace_id: span.traceId,
      span_id: span.spanId,
      trace_flags: '01',
    });
  });
});
