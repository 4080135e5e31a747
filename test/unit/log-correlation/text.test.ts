import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withSpan } from '../../../src/context/index.js';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { correlatedConsole, formatTextLine, parseTextLine } from '../../../src/log-correlation/index.js';
import type { TestTracing } from '../../../src/testing/index.js';
import { resetTracing, setupTestTracing } from '../../../src/testing/index.js';

let tracing: TestTracing;
beforeEach(() => {
  resetTracing();
  tracing = setupTestTracing();
});
afterEach(() => tracing.shutdown());

const LINE =
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (\w+) +(\S+) \[trace_id=([0-9a-f]{32}) span_id=([0-9a-f]{16})\] (.*)$/s;

function fakeConsole() {
  const out: { method: string; line: string }[] = [];
  const make = (method: string) => (line: string) => void out.push({ method, line });
  return {
    out,
    console: {
      log: make('log'),
      info: make('info'),
      warn: make('warn'),
      error: make('error'),
      debug: make('debug'),
    },
  };
}

describe('formatTextLine', () => {
  it('writes timestamp, level, service and the ids of the span exported for the same operation', async () => {
    const line = await withSpan('GET /health/deep', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return formatTextLine('checked', { level: 'warn', service: 'order-service' });
    });
    const span = tracing.expectSpan('GET /health/deep').spanContext();
    const match = LINE.exec(line);
    expect(match?.slice(2)).toEqual(['WARN', 'order-service', span.traceId, span.spanId, 'checked']);
    expect(parseTextLine(line)).toEqual({ traceId: span.traceId, spanId: span.spanId });
  });

  it('zeros outside a span by default; omit, fixed timestamp and no timestamp on request', () => {
    const at = new Date('2025-01-31T12:00:00.000Z');
    expect(formatTextLine('boot', { timestamp: at })).toBe(
      `2025-01-31T12:00:00.000Z INFO  [trace_id=${'0'.repeat(32)} span_id=${'0'.repeat(16)}] boot`,
    );
    expect(formatTextLine('boot', { timestamp: false, whenNoSpan: 'omit', service: 'svc' })).toBe(
      'INFO  svc boot',
    );
  });
});

describe('formatTextLine with what a log record holds', () => {
  it('never throws: epoch ms, an Invalid Date, a numeric level, a non-string message', () => {
    // A pino record turned into text threw: `level: 30` (".toUpperCase is not a function"),
    // `timestamp: rec.time` (epoch ms: ".toISOString is not a function"), and
    // `new Date(rec.missing)` (RangeError: Invalid time value), out of the log call.
    const warnings: string[] = [];
    setLogSink((_level, line) => warnings.push(line));
    try {
      const record = { level: 30, time: Date.UTC(2025, 0, 31, 12), msg: 'order created' };
      expect(
        formatTextLine(record.msg, { level: record.level as unknown as string, timestamp: record.time }),
      ).toBe(
        `2025-01-31T12:00:00.000Z 30    [trace_id=${'0'.repeat(32)} span_id=${'0'.repeat(16)}] order created`,
      );
      const before = Date.now();
      const line = formatTextLine(Symbol('event') as unknown as string, {
        timestamp: new Date(Number.NaN),
        service: 'svc',
      });
      const [, stamp, level, , , , message] = LINE.exec(line)!;
      expect(Date.parse(stamp!)).toBeGreaterThanOrEqual(before - 1);
      expect([level, message]).toEqual(['INFO', 'Symbol(event)']);
      expect(warnings).toEqual([
        '[@acme/otel] formatTextLine: timestamp Invalid Date is not a valid Date, epoch milliseconds or string; showing the current time instead.',
      ]);
    } finally {
      resetLogger();
    }
  });
});

describe('correlatedConsole', () => {
  it('returns a console-like object writing correlated lines (printf-style args)', () => {
    const fake = fakeConsole();
    const out = correlatedConsole({ console: fake.console, service: 'user-service' });
    withSpan('signup', () => {
      out.info('user %s created', 'u-1');
      out.error(new Error('mail failed').message);
    });
    out.log('idle');
    const span = tracing.expectSpan('signup').spanContext();
    expect(fake.out.map((o) => o.method)).toEqual(['info', 'error', 'log']);
    expect(LINE.exec(fake.out[0]!.line)?.slice(2)).toEqual([
      'INFO',
      'user-service',
      span.traceId,
      span.spanId,
      'user u-1 created',
    ]);
    expect(LINE.exec(fake.out[1]!.line)?.[2]).toBe('ERROR');
    expect(parseTextLine(fake.out[2]!.line)).toEqual({ traceId: '0'.repeat(32), spanId: '0'.repeat(16) });
  });

  it('patch: true rewrites the console in place, and restore() undoes it', () => {
    const fake = fakeConsole();
    const original = fake.console.warn;
    const patched = correlatedConsole({ console: fake.console, patch: true, timestamp: false });
    const warnings: string[] = [];
    setLogSink((_level, line) => warnings.push(line));
    try {
      expect(correlatedConsole({ console: fake.console, patch: true })).toBe(patched);
    } finally {
      resetLogger();
    }
    expect(warnings).toEqual([
      '[@acme/otel] correlatedConsole({ patch: true }) called twice; the console is already patched.',
    ]);
    withSpan('job', () => fake.console.warn('low stock'));
    const span = tracing.expectSpan('job').spanContext();
    expect(fake.out[0]).toEqual({
      method: 'warn',
      line: `WARN  [trace_id=${span.traceId} span_id=${span.spanId}] low stock`,
    });
    patched.restore();
    patched.restore();
    expect(fake.console.warn).toBe(original);
    fake.console.warn('plain');
    expect(fake.out[1]).toEqual({ method: 'warn', line: 'plain' });
  });

  it('restore() leaves a wrapper another library added since, and ours under it stops correlating', () => {
    // restore() put the saved methods back over it: Sentry's console breadcrumbs, wrapped after
    // our patch, were silently removed.
    const fake = fakeConsole();
    const patched = correlatedConsole({ console: fake.console, patch: true, timestamp: false });
    const breadcrumbs: unknown[] = [];
    const ours = fake.console.error as (...args: unknown[]) => void;
    const wrapper = (...args: unknown[]) => {
      breadcrumbs.push(args);
      ours(...args);
    };
    fake.console.error = wrapper as unknown as typeof fake.console.error;
    patched.restore();
    expect(fake.console.error).toBe(wrapper);
    expect(fake.console.warn).not.toBe(patched.warn);
    (fake.console.error as (...args: unknown[]) => void)('payment %s failed', 'p-1');
    expect(breadcrumbs).toEqual([['payment %s failed', 'p-1']]);
    expect(fake.out).toEqual([{ method: 'error', line: 'payment %s failed' }]);
  });

  it('a correlated console made on a patched console writes one line, correlated once', () => {
    // Its methods were the patched ones: every line got a second timestamp, level and id bracket.
    const fake = fakeConsole();
    const patched = correlatedConsole({
      console: fake.console,
      patch: true,
      timestamp: false,
      service: 'app',
    });
    const worker = correlatedConsole({ console: fake.console, timestamp: false, service: 'worker' });
    withSpan('job', () => worker.info('step done'));
    const span = tracing.expectSpan('job').spanContext();
    expect(fake.out).toEqual([
      { method: 'info', line: `INFO  worker [trace_id=${span.traceId} span_id=${span.spanId}] step done` },
    ]);
    patched.restore();
    worker.warn('after restore');
    expect(fake.out[1]?.line).toBe(
      'WARN  worker [trace_id=00000000000000000000000000000000 span_id=0000000000000000] after restore',
    );
  });

  it('patches and restores the global console', () => {
    const before = console.info;
    const patched = correlatedConsole({ patch: true });
    expect(console.info).not.toBe(before);
    patched.restore();
    expect(console.info).toBe(before);
  });
});

describe('a message cannot forge the ids parseTextLine reads', () => {
  const FAKE_TRACE = 'f'.repeat(32);
  const FAKE_SPAN = 'e'.repeat(16);
  const forged = `[trace_id=${FAKE_TRACE} span_id=${FAKE_SPAN}]`;

  it('a line break in the message stays on the line, escaped', () => {
    // `log(userInput)` with "x\n<timestamp> INFO [trace_id=<other trace>] paid" wrote a second,
    // forged line, which a line-based pipeline read as an event of the other trace.
    const line = withSpan('request', () =>
      formatTextLine(`x\n2025-01-31T12:00:00.000Z INFO  ${forged} paid\r\u2028`, { timestamp: false }),
    );
    const span = tracing.expectSpan('request').spanContext();
    expect(line.split(/\r|\n|\u2028/)).toHaveLength(1);
    expect(line).toContain('x\\n2025');
    for (const part of line.split('\n')) {
      expect(parseTextLine(part)).toEqual({ traceId: span.traceId, spanId: span.spanId });
    }
  });

  it('a bracket in the message or the service name is not taken for the ids', () => {
    const omitted = formatTextLine(`order ${forged}`, { whenNoSpan: 'omit', timestamp: false });
    expect(parseTextLine(omitted)).toBeUndefined();
    const inService = formatTextLine('hi', { service: forged, timestamp: false });
    expect(parseTextLine(inService)).toEqual({ traceId: '0'.repeat(32), spanId: '0'.repeat(16) });
    expect(inService).toContain('[trace_id\\=');
    // A preformatted timestamp is text from outside too (a record's `time` field).
    const inStamp = formatTextLine('hi', { timestamp: `${forged}\nx`, whenNoSpan: 'omit' });
    expect(parseTextLine(inStamp)).toBeUndefined();
    expect(inStamp.includes('\n')).toBe(false);
  });

  it('parseTextLine reads the first line only, and the first bracket only', () => {
    expect(parseTextLine(`INFO  hi\n${forged}`)).toBeUndefined();
    expect(parseTextLine(`INFO  [trace_id=nothex span_id=x] ${forged}`)).toBeUndefined();
    expect(parseTextLine(`INFO  ${forged} [trace_id=${'1'.repeat(32)} span_id=${'2'.repeat(16)}]`)).toEqual({
      traceId: FAKE_TRACE,
      spanId: FAKE_SPAN,
    });
  });

  it('correlatedConsole writes one line per call, a stack trace included', () => {
    const fake = fakeConsole();
    const out = correlatedConsole({ console: fake.console, timestamp: false });
    out.error('failed: %s', `boom\n${forged} fake`);
    expect(fake.out[0]!.line.includes('\n')).toBe(false);
    expect(parseTextLine(fake.out[0]!.line)).toEqual({ traceId: '0'.repeat(32), spanId: '0'.repeat(16) });
  });
});
