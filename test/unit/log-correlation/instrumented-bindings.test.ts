// The zero-code path (initTracing's default catalogue) enables @opentelemetry/instrumentation-pino,
// built by createInstrumentation. A logger without pinoMixin gets only the instrumentation's
// fields: a child logger's bound trace_id and the instrumentation's were both written.
import { createRequire } from 'node:module';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withSpan } from '../../../src/context/index.js';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { CATALOGUE } from '../../../src/instrumentations/catalogue.js';
import { createInstrumentation } from '../../../src/instrumentations/create.js';
import { pinoMixin, pinoStreamWrite } from '../../../src/log-correlation/index.js';
import type { TestTracing } from '../../../src/testing/index.js';
import { resetTracing, setupTestTracing } from '../../../src/testing/index.js';

// Enabled (by its constructor) before pino is required, so require-in-the-middle patches it.
const instrumentation: Instrumentation = createInstrumentation(CATALOGUE.get('pino')!, {
  ignoreIncomingPaths: [],
});
const require = createRequire(import.meta.url);
const pino = require('pino') as typeof import('pino').default;

let tracing: TestTracing;
beforeAll(() => instrumentation.enable());
afterAll(() => instrumentation.disable());
beforeEach(() => {
  resetTracing();
  tracing = setupTestTracing();
});
afterEach(() => tracing.shutdown());

const count = (line: string, key: string) => line.split(`"${key}":`).length - 1;

describe('instrumentation-pino from our catalogue, a logger without pinoMixin', () => {
  it('correlates, and writes a key a child binding holds once (Elasticsearch refuses duplicates)', () => {
    const lines: string[] = [];
    const stream = { write: (line: string) => void lines.push(line) };
    const logger = pino({}, stream);
    withSpan('request', () => {
      logger.info('plain');
      logger.child({ trace_id: 'job-7' }).info('bound');
      const child = logger.child({ module: 'db' });
      child.setBindings({ span_id: 'step-2' });
      child.info('set later');
    });
    const span = tracing.expectSpan('request').spanContext();
    expect(JSON.parse(lines[0]!)).toMatchObject({
      trace_id: span.traceId,
      span_id: span.spanId,
      trace_flags: '01',
    });
    for (const line of lines) {
      for (const key of ['trace_id', 'span_id', 'trace_flags']) expect(count(line, key), line).toBe(1);
    }
    expect(JSON.parse(lines[1]!)).toMatchObject({ trace_id: 'job-7', span_id: span.spanId });
    expect(JSON.parse(lines[2]!)).toMatchObject({ trace_id: span.traceId, span_id: 'step-2' });
  });
});

describe('instrumentation-pino from our catalogue, a log call with its own ids', () => {
  it("keeps the span's ids: logger.info(req.query) cannot point the line at another trace", () => {
    const lines: string[] = [];
    const stream = { write: (line: string) => void lines.push(line) };
    const logger = pino({}, stream);
    const query = { trace_id: 'f'.repeat(32), span_id: 'e'.repeat(16), q: 'shoes' };
    withSpan('request', () => logger.info(query, 'search'));
    logger.info({ trace_id: 'no span' }, 'outside');
    const span = tracing.expectSpan('request').spanContext();
    expect(count(lines[0]!, 'trace_id')).toBe(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      trace_id: span.traceId,
      span_id: span.spanId,
      trace_id_from_call: 'f'.repeat(32),
      span_id_from_call: 'e'.repeat(16),
      q: 'shoes',
    });
    expect(JSON.parse(lines[1]!).trace_id).toBe('no span');
  });
});

describe('instrumentation-pino from our catalogue and pinoMixin together', () => {
  it("keep the span's ids over a call's, and say only that (not that the call won)", () => {
    const lines: string[] = [];
    const stream = { write: (line: string) => void lines.push(line) };
    const warnings: string[] = [];
    setLogSink((_level, line) => warnings.push(line));
    try {
      withSpan('request', () => pino({ mixin: pinoMixin() }, stream).info({ trace_id: 'f'.repeat(32) }, 'x'));
    } finally {
      resetLogger();
    }
    const span = tracing.expectSpan('request').spanContext();
    expect(count(lines[0]!, 'trace_id')).toBe(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      trace_id: span.traceId,
      trace_id_from_call: 'f'.repeat(32),
    });
    expect(warnings.filter((w) => w.includes('pino wrote the call'))).toEqual([]);
  });
});

describe("instrumentation-pino from our catalogue and pinoMixin, a child logger's bindings", () => {
  it('are written once: the copy the instrumentation adds is taken back through its guard', () => {
    const lines: string[] = [];
    const stream = { write: (line: string) => void lines.push(line) };
    withSpan('request', () => pino({ mixin: pinoMixin() }, stream).child({ trace_id: 'job-7' }).info('x'));
    const span = tracing.expectSpan('request').spanContext();
    for (const key of ['trace_id', 'span_id', 'trace_flags']) expect(count(lines[0]!, key), lines[0]).toBe(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ trace_id: 'job-7', span_id: span.spanId });
  });
});

describe('instrumentation-pino from our catalogue, pinoMixin and nestedKey', () => {
  it('pinoStreamWrite writes the ids at the top level once; none stay nested', () => {
    const lines: string[] = [];
    const stream = { write: (line: string) => void lines.push(line) };
    const options = { nestedKey: 'payload', mixin: pinoMixin(), hooks: { streamWrite: pinoStreamWrite } };
    withSpan('request', () => pino(options, stream).info({ orderId: 'o-1' }, 'x'));
    expect(count(lines[0]!, 'trace_id')).toBe(1);
    expect(JSON.parse(lines[0]!).payload).toEqual({ orderId: 'o-1' });
  });
});
