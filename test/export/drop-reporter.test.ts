import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetLogger, setLogSink } from '../../src/diag.js';
import { DropReporter, groupThousands } from '../../src/export/drop-reporter.js';
import { createExportStats } from '../../src/export/stats.js';

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

describe('DropReporter', () => {
  it('reports the first drop at once, then at most one summed line per interval', () => {
    const stats = createExportStats();
    const reporter = new DropReporter(stats, { endpoint: 'http://127.0.0.1:4317', intervalMillis: 60_000 });
    reporter.noteError(unavailable);
    reporter.recordDrop(1);
    expect(lines).toEqual([
      '[@acme/otel] dropped 1 span: export queue full (collector unreachable at http://127.0.0.1:4317)',
    ]);
    for (let i = 0; i < 12_345; i++) reporter.recordDrop(1);
    vi.advanceTimersByTime(59_000);
    expect(lines).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    expect(lines[1]).toBe(
      '[@acme/otel] dropped 12,345 spans in the last 60 s: export queue full (collector unreachable at http://127.0.0.1:4317)',
    );
    vi.advanceTimersByTime(300_000);
    expect(lines).toHaveLength(2);
    reporter.shutdown();
  });

  it('reports failed exports with the last error, rate-limited separately', () => {
    const stats = createExportStats();
    const reporter = new DropReporter(stats, {
      endpoint: 'http://user:pw@collector:4317',
      intervalMillis: 1_000,
    });
    reporter.recordFailure(512, unavailable);
    reporter.recordFailure(512, unavailable);
    vi.advanceTimersByTime(1_000);
    expect(lines).toEqual([
      '[@acme/otel] failed to export 512 spans to http://REDACTED:REDACTED@collector:4317: UNAVAILABLE (14): No connection established. Last error: connect ECONNREFUSED 127.0.0.1:4317',
      '[@acme/otel] failed to export 512 spans in the last 1 s to http://REDACTED:REDACTED@collector:4317: UNAVAILABLE (14): No connection established. Last error: connect ECONNREFUSED 127.0.0.1:4317',
    ]);
    reporter.shutdown();
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

  it('keeps no timer alive on its own (unref)', () => {
    const reporter = new DropReporter(createExportStats(), { intervalMillis: 60_000 });
    reporter.recordDrop(1);
    reporter.recordDrop(1);
    const timers = vi.getTimerCount();
    expect(timers).toBe(1);
    reporter.shutdown();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('groupThousands', () => {
  it('writes a count as Intl.NumberFormat("en-US") does, without loading Intl at start-up', () => {
    const intl = new Intl.NumberFormat('en-US');
    for (const n of [
      0,
      1,
      12,
      999,
      1000,
      12_345,
      100_000,
      999_999,
      1_000_000,
      2 ** 31,
      Number.MAX_SAFE_INTEGER,
    ]) {
      expect(groupThousands(n)).toBe(intl.format(n));
    }
  });
});
