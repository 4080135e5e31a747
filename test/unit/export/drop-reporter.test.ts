import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { DropReporter } from '../../../src/export/drop-reporter.js';
import { PartialSuccessError, ShutdownLossError } from '../../../src/export/export-errors.js';
import { createExportStats } from '../../../src/export/stats.js';

let lines: string[] = [];
beforeEach(() => {
  lines = [];
  vi.useFakeTimers({ now: 1_000_000 });
  setLogSink((_level, line) => lines.push(line));
});
afterEach(() => {
  vi.useRealTimers();
  resetLogger();
});

const unavailable = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
  code: 14,
  details: 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:4317',
});

const refused = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
  code: 14,
  details: 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:4317',
});
const ok = { code: 0 } as const;
const fail = (error: unknown) => ({ code: 1, error: error as Error });

describe('DropReporter', () => {
  // Issue #20 item 5: the first line said "dropped 1 span"; the real count came a minute later.
  it('reports the first drop within 5 s with the count so far, then at most one summed line per interval', () => {
    const stats = createExportStats();
    const reporter = new DropReporter(stats, { endpoint: 'http://127.0.0.1:4317', intervalMillis: 60_000 });
    reporter.noteError(unavailable);
    for (let i = 0; i < 5_000; i++) reporter.recordDrop(1);
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(2_000);
    expect(lines).toEqual([
      '[@acme/otel] dropped 5,000 spans in the last 2 s: export queue full (collector unreachable at http://127.0.0.1:4317: ECONNREFUSED (UNAVAILABLE (14): No connection established. Last error: connect ECONNREFUSED 127.0.0.1:4317))',
    ]);
    for (let i = 0; i < 12_345; i++) reporter.recordDrop(1);
    vi.advanceTimersByTime(59_000);
    expect(lines).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    expect(lines[1]).toMatch(
      /^\[@acme\/otel\] dropped 12,345 spans in the last 60 s: export queue full \(collector unreachable at http:\/\/127\.0\.0\.1:4317: ECONNREFUSED/,
    );
    vi.advanceTimersByTime(300_000);
    expect(lines).toHaveLength(2);
    reporter.shutdown();
  });

  it('reports failed exports with the cause, rate-limited separately', () => {
    const stats = createExportStats();
    const reporter = new DropReporter(stats, {
      endpoint: 'http://user:pw@collector:4317',
      intervalMillis: 10_000,
    });
    reporter.recordFailure(512, unavailable);
    reporter.recordFailure(512, unavailable);
    vi.advanceTimersByTime(2_000);
    reporter.recordFailure(512, unavailable);
    vi.advanceTimersByTime(10_000);
    expect(lines).toEqual([
      '[@acme/otel] failed to export 1,024 spans in the last 2 s to http://REDACTED:REDACTED@collector:4317: collector unreachable at http://REDACTED:REDACTED@collector:4317: ECONNREFUSED (UNAVAILABLE (14): No connection established. Last error: connect ECONNREFUSED 127.0.0.1:4317)',
      '[@acme/otel] failed to export 512 spans in the last 10 s to http://REDACTED:REDACTED@collector:4317: collector unreachable at http://REDACTED:REDACTED@collector:4317: ECONNREFUSED (UNAVAILABLE (14): No connection established. Last error: connect ECONNREFUSED 127.0.0.1:4317)',
    ]);
    reporter.shutdown();
  });

  it('names the cause of a full queue: hung, rejecting, too large, or load', () => {
    const cases: [string, (r: DropReporter) => void, RegExp][] = [
      [
        'a call in flight with no answer',
        (r) => {
          r.attemptStarted();
        },
        /export queue full \(collector at http:\/\/c:4317 not answering: an export call has had no answer for 2\.0 s\)/,
      ],
      [
        'a call that timed out',
        (r) =>
          r.attemptStarted()(
            fail(Object.assign(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded'), { code: 4 })),
          ),
        /export queue full \(collector at http:\/\/c:4317 not answering \(DEADLINE_EXCEEDED \(4\)/,
      ],
      [
        'an error status',
        (r) =>
          r.attemptStarted()(
            fail(Object.assign(new Error('7 PERMISSION_DENIED: no'), { code: 7, details: 'no' })),
          ),
        /export queue full \(collector at http:\/\/c:4317 rejecting exports \(PERMISSION_DENIED \(7\): no\); the collector \(or a proxy before it\) refused the credentials: check the authorization header in OTEL_EXPORTER_OTLP_HEADERS/,
      ],
      [
        'a too large request',
        (r) =>
          r.attemptStarted()(
            fail(
              Object.assign(new Error('8 RESOURCE_EXHAUSTED: x'), {
                code: 8,
                details: 'grpc: received message larger than max (5000000 vs. 4194304)',
              }),
            ),
          ),
        /export queue full \(export request too large for the collector at http:\/\/c:4317/,
      ],
      [
        // The Collector's memory_limiter, a quota: not the request's size, which a smaller one would fix.
        'a collector out of memory (RESOURCE_EXHAUSTED without a size)',
        (r) =>
          r.attemptStarted()(
            fail(
              Object.assign(new Error('8 RESOURCE_EXHAUSTED: data refused due to high memory usage'), {
                code: 8,
                details: 'data refused due to high memory usage',
              }),
            ),
          ),
        /export queue full \(collector at http:\/\/c:4317 rejecting exports \(RESOURCE_EXHAUSTED \(8\): data refused due to high memory usage \(the collector is out of resources; without a RetryInfo in its answer the OTLP spec says not to retry\)\)\)/,
      ],
      [
        // RESOURCE_EXHAUSTED with a RetryInfo (grpc-transport.ts reads it into retryAfterMillis): throttling.
        'a collector throttling with RetryInfo',
        (r) =>
          r.attemptStarted()(
            fail(
              Object.assign(new Error('8 RESOURCE_EXHAUSTED: rate limited'), {
                code: 8,
                details: 'rate limited',
                retryAfterMillis: 1500,
              }),
            ),
          ),
        /export queue full \(collector at http:\/\/c:4317 rejecting exports \(RESOURCE_EXHAUSTED \(8\): rate limited \(throttled by the collector: its RetryInfo asked to retry after 1.5 s\)\)\)/,
      ],
      [
        'a refused connection',
        (r) => r.attemptStarted()(fail(refused)),
        /export queue full \(collector unreachable at http:\/\/c:4317: ECONNREFUSED/,
      ],
      [
        'succeeding exports',
        (r) => r.attemptStarted()(ok),
        /export queue full \(overloaded: spans produced faster than they are exported to http:\/\/c:4317\)/,
      ],
    ];
    for (const [name, setup, expected] of cases) {
      lines = [];
      const reporter = new DropReporter(createExportStats(), { endpoint: 'http://c:4317' });
      setup(reporter);
      reporter.recordDrop(10);
      vi.advanceTimersByTime(2_000);
      const drop = lines.find((l) => l.includes('dropped'));
      expect(drop, name).toMatch(expected);
      reporter.shutdown();
    }
  });

  it('reports a failing collector promptly, before any span is lost, and not a one-off failure', () => {
    const reporter = new DropReporter(createExportStats(), { endpoint: 'http://c:4317' });
    reporter.attemptStarted()(fail(refused));
    reporter.attemptStarted()(ok);
    vi.advanceTimersByTime(5_000);
    expect(lines).toEqual([]);
    for (let i = 0; i < 20; i++) reporter.attemptStarted()(fail(refused));
    vi.advanceTimersByTime(2_000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[@acme\/otel\] export failing, retrying: collector unreachable at http:\/\/c:4317: ECONNREFUSED/,
    );
    reporter.shutdown();
  });

  it('reports a hung collector about 3 s into a call with no answer, before the call times out', () => {
    const reporter = new DropReporter(createExportStats(), { endpoint: 'http://c:4317' });
    reporter.attemptStarted()(ok);
    const settle = reporter.attemptStarted();
    vi.advanceTimersByTime(2_999);
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(lines).toEqual([
      '[@acme/otel] export stalled: collector at http://c:4317 not answering: an export call has had no answer for 3.0 s',
    ]);
    vi.advanceTimersByTime(7_000);
    expect(lines).toHaveLength(1);
    // The call then times out: the same cause (hung), so no second line within the minute...
    settle(
      fail(Object.assign(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded after 10000 ms'), { code: 4 })),
    );
    vi.advanceTimersByTime(2_000);
    expect(lines).toHaveLength(1);
    // ...but one at its end, saying what it stands for.
    vi.advanceTimersByTime(60_000);
    expect(lines[1]).toMatch(
      /^\[@acme\/otel\] export failing, retrying: collector at http:\/\/c:4317 not answering \(DEADLINE_EXCEEDED \(4\): .*\) \(\d+ such lines in the last 60 s\)$/,
    );
    vi.advanceTimersByTime(300_000);
    expect(lines).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
    reporter.shutdown();
  });

  it('counts partial-success rejections with the collector message', () => {
    const stats = createExportStats();
    const reporter = new DropReporter(stats, { endpoint: 'http://c:4317' });
    for (let i = 0; i < 10; i++)
      reporter.recordRejected(new PartialSuccessError(256, 'quota exceeded for tenant'));
    stats.rejected = 2_560;
    vi.advanceTimersByTime(2_000);
    expect(lines).toEqual([
      '[@acme/otel] collector at http://c:4317 rejected 2,560 spans in the last 2 s (partial success): quota exceeded for tenant',
    ]);
    // Later rejections make a second line, and the summary at shutdown adds them up.
    vi.advanceTimersByTime(60_000);
    reporter.recordRejected(new PartialSuccessError(256, 'quota exceeded for tenant'));
    stats.rejected = 2_816;
    reporter.shutdown();
    expect(lines.slice(1)).toEqual([
      '[@acme/otel] collector at http://c:4317 rejected 256 spans (partial success): quota exceeded for tenant',
      '[@acme/otel] export summary at shutdown: 2,816 spans rejected by the collector, 0 spans exported; cause: collector at http://c:4317 rejecting spans: quota exceeded for tenant',
    ]);
  });

  it('names the last real cause at shutdown, not the shutdown timeout', () => {
    const stats = createExportStats();
    const reporter = new DropReporter(stats, { endpoint: 'http://c:4317' });
    reporter.attemptStarted()(fail(refused));
    stats.failed = 5;
    reporter.recordFailure(5, refused);
    vi.advanceTimersByTime(2_000);
    stats.failed = 25;
    reporter.recordFailure(20, new ShutdownLossError('shutdown timed out before the spans were exported'));
    reporter.shutdown();
    expect(lines.at(-2)).toMatch(
      /failed to export 20 spans to http:\/\/c:4317: collector unreachable at http:\/\/c:4317: ECONNREFUSED/,
    );
    expect(lines.at(-1)).toMatch(
      /^\[@acme\/otel\] export summary at shutdown: 25 spans failed to export, 0 spans exported; cause: collector unreachable at http:\/\/c:4317: ECONNREFUSED/,
    );
  });

  it('says a loss once: no summary repeats the one line that said it all', () => {
    const stats = createExportStats();
    const reporter = new DropReporter(stats, { endpoint: 'http://c:4317' });
    reporter.attemptStarted()(fail(refused));
    stats.failed = 2;
    reporter.recordFailure(2, new ShutdownLossError('shutdown timed out before the spans were exported'));
    reporter.shutdown();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[@acme\/otel\] failed to export 2 spans to http:\/\/c:4317: collector unreachable at http:\/\/c:4317: ECONNREFUSED/,
    );
  });

  it('prints a summary on shutdown only when something was lost', () => {
    const clean = new DropReporter(createExportStats());
    clean.shutdown();
    expect(lines).toEqual([]);
    const stats = createExportStats();
    stats.exported = 10_000;
    stats.dropped = 1_234;
    stats.failed = 512;
    const reporter = new DropReporter(stats);
    reporter.recordFailure(0, unavailable);
    reporter.shutdown();
    reporter.shutdown();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      'export summary at shutdown: 1,234 spans dropped (queue full), 512 spans failed to export, 10,000 spans exported',
    );
  });

  it('does not repeat in its summary the drops the loss line at exit named (worker threads’ at exit)', () => {
    for (const dropped of [3, 5]) {
      const stats = createExportStats();
      stats.exported = 40;
      stats.dropped = dropped;
      const reporter = new DropReporter(stats);
      reporter.saidAtExit(3);
      reporter.shutdown();
    }
    expect(lines).toEqual([
      '[@acme/otel] export summary at shutdown: 2 spans dropped (queue full), 40 spans exported; cause: overloaded: spans produced faster than they are exported',
    ]);
  });

  it('keeps no timer alive on its own (unref)', () => {
    const reporter = new DropReporter(createExportStats(), { intervalMillis: 60_000 });
    reporter.recordDrop(1);
    reporter.recordDrop(1);
    reporter.attemptStarted()(fail(refused));
    const timers = vi.getTimerCount();
    expect(timers).toBe(3);
    reporter.shutdown();
    expect(vi.getTimerCount()).toBe(0);
  });
});
