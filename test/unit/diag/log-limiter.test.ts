// Every log line of the export path, ours and upstream's diag, at most once per cause per minute,
// with counts (issue #20 item 5: upstream printed one line per export call, ~3.5 lines/s).
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { LogLimiter } from '../../../src/diag/log-limiter.js';
import { diagCause, setOtelDiag } from '../../../src/diag/otel-diag.js';

let lines: string[] = [];
beforeEach(() => {
  lines = [];
  vi.useFakeTimers({ now: 1_000_000 });
  setLogSink((_level, line) => lines.push(line));
});
afterEach(() => {
  vi.useRealTimers();
  diag.disable();
  resetLogger();
});

describe('LogLimiter', () => {
  it('prints the first line of a cause at once, then one line with the count per interval', () => {
    const limiter = new LogLimiter({ intervalMillis: 60_000 });
    for (let i = 0; i < 210; i++) {
      limiter.log('warn', 'partial', `rejected ${i}`);
      vi.advanceTimersByTime(285); // ~3.5 lines/s, as upstream printed
    }
    // 210 × 285 ms = 59.85 s: the first line only.
    expect(lines).toEqual(['[@acme/otel] rejected 0']);
    vi.advanceTimersByTime(150);
    expect(lines).toEqual([
      '[@acme/otel] rejected 0',
      '[@acme/otel] rejected 209 (209 such lines in the last 60 s)',
    ]);
    vi.advanceTimersByTime(600_000);
    expect(lines).toHaveLength(2);
  });

  it('limits each cause on its own, and bounds how many causes it tracks', () => {
    const limiter = new LogLimiter({ intervalMillis: 60_000, maxCauses: 2 });
    limiter.log('warn', 'a', 'a1');
    limiter.log('warn', 'b', 'b1');
    limiter.log('warn', 'a', 'a2');
    limiter.log('error', 'c', 'c1');
    limiter.log('error', 'd', 'd1');
    expect(lines).toEqual(['[@acme/otel] a1', '[@acme/otel] b1', '[@acme/otel] c1']);
    limiter.flush();
    expect(lines.slice(3)).toEqual(['[@acme/otel] a2', '[@acme/otel] d1']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps no timer alive on its own', () => {
    const limiter = new LogLimiter();
    limiter.log('warn', 'x', '1');
    limiter.log('warn', 'x', '2');
    expect(vi.getTimerCount()).toBe(1);
    limiter.flush();
  });
});

describe('upstream diag', () => {
  it('goes through the limiter per cause: one line per minute per message, with counts', () => {
    setOtelDiag('info');
    const delegate = diag.createComponentLogger({ namespace: 'OTLPExportDelegate' });
    for (let i = 0; i < 100; i++) {
      diag.warn('Received Partial Success response:', JSON.stringify({ rejectedSpans: i }));
      delegate.warn('Export failed', i);
    }
    expect(lines).toEqual([
      '[@acme/otel] (otel) Received Partial Success response: {"rejectedSpans":0}',
      '[@acme/otel] (otel) OTLPExportDelegate Export failed 0',
    ]);
    vi.advanceTimersByTime(60_000);
    expect(lines.slice(2).sort()).toEqual([
      '[@acme/otel] (otel) OTLPExportDelegate Export failed 99 (99 such lines in the last 60 s)',
      '[@acme/otel] (otel) Received Partial Success response: {"rejectedSpans":99} (99 such lines in the last 60 s)',
    ]);
    expect(DiagLogLevel.WARN).toBe(50);
  });

  it('a cause is the message (with the component logger text), numbers blanked', () => {
    expect(diagCause('OTLPExportDelegate', ['Export failed after 3 attempts', 7])).toBe(
      'OTLPExportDelegate Export failed after # attempts',
    );
    expect(diagCause('x'.repeat(500), [])).toHaveLength(160);
  });

  it("the SDK's warnings about one span name its ids: blanked, so a double end() per request is one cause", () => {
    const a = diagCause(
      'op f173494d798020d8497ad18324cc8e28-b3588533e4b86f3a - You can only call end() on a span once.',
      [],
    );
    const b = diagCause(
      'op 0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331 - You can only call end() on a span once.',
      [],
    );
    expect(a).toBe('op #-# - You can only call end() on a span once.');
    expect(b).toBe(a);
    // Words made of hex letters are kept.
    expect(diagCause('Received a deadbeef answer', [])).toBe('Received a # answer');
    expect(diagCause('cafe decade', [])).toBe('cafe decade');
  });
});
