import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, vi } from 'vitest';
import { collectorCause, collectorNaming } from '../../../src/export/collector-cause.js';
import {
  describeExportError,
  isRetryableExportError,
  RetryBeyondDeadlineError,
} from '../../../src/export/export-errors.js';
import { GrpcStatusError } from '../../../src/export/otlp/grpc-status.js';
import { RetryingExporter } from '../../../src/export/retrying-exporter.js';

function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details });
}

/** Answers with the queued results in order, then SUCCESS. */
function scriptedExporter(results: ExportResult[]) {
  const calls: number[] = [];
  const exporter: SpanExporter & { calls: number[]; shutdowns: number } = {
    calls,
    shutdowns: 0,
    export(spans: ReadableSpan[], cb: (r: ExportResult) => void) {
      calls.push(spans.length);
      const next = results.shift() ?? { code: ExportResultCode.SUCCESS };
      setTimeout(() => cb(next), 1);
    },
    async shutdown() {
      exporter.shutdowns++;
    },
  };
  return exporter;
}

const exportOnce = (exporter: SpanExporter) =>
  new Promise<ExportResult>((resolve) => exporter.export([], resolve));
const failed = (error: Error): ExportResult => ({ code: ExportResultCode.FAILED, error });

describe('RetryingExporter', () => {
  it('retries gRPC UNAVAILABLE and DEADLINE_EXCEEDED until success, counting retries', async () => {
    const inner = scriptedExporter([
      failed(grpcError(14, 'UNAVAILABLE: No connection established')),
      failed(grpcError(4, 'DEADLINE_EXCEEDED')),
      failed(Object.assign(grpcError(8, 'RESOURCE_EXHAUSTED'), { retryAfterMillis: 0 })),
    ]);
    const retries: number[] = [];
    const exporter = new RetryingExporter(inner, {
      initialBackoffMillis: 20,
      onRetry: (_e, attempt) => retries.push(attempt),
    });
    const result = await exportOnce(exporter);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(inner.calls).toHaveLength(4);
    expect(retries).toEqual([1, 2, 3]);
  });

  it('a retry cut short by shutdown() reports the failure before it, not the shutdown', async () => {
    // The retry's call is in flight when shutdown() comes, and fails because of it: the loss
    // line named "the exporter was shut down" instead of the refused connection.
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4317'), { code: 'ECONNREFUSED' });
    let pending: ((r: ExportResult) => void) | undefined;
    let calls = 0;
    const inner: SpanExporter = {
      export(_spans, cb) {
        calls++;
        if (calls === 1) setTimeout(() => cb(failed(refused)), 1);
        else pending = cb;
      },
      async shutdown() {
        pending?.(failed(grpcError(14, 'the exporter was shut down')));
      },
    };
    const exporter = new RetryingExporter(inner, { initialBackoffMillis: 10, random: () => 0 });
    const result = exportOnce(exporter);
    await vi.waitFor(() => expect(pending).toBeDefined());
    await exporter.shutdown();
    expect((await result).error).toBe(refused);
  });

  it('fails at once on a non-retryable error', async () => {
    const inner = scriptedExporter([failed(grpcError(3, 'INVALID_ARGUMENT: bad span'))]);
    const exporter = new RetryingExporter(inner, { initialBackoffMillis: 10 });
    const result = await exportOnce(exporter);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(inner.calls).toHaveLength(1);
  });

  it('gives up within the total deadline', async () => {
    const inner = scriptedExporter(Array.from({ length: 1000 }, () => failed(grpcError(14, 'UNAVAILABLE'))));
    const exporter = new RetryingExporter(inner, {
      deadlineMillis: 400,
      initialBackoffMillis: 20,
      maxBackoffMillis: 60,
    });
    const started = Date.now();
    const result = await exportOnce(exporter);
    const elapsed = Date.now() - started;
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(elapsed).toBeLessThan(600);
    expect(inner.calls.length).toBeGreaterThan(2);
  });

  it('bounds an attempt that never answers by the deadline', async () => {
    const inner: SpanExporter = { export() {}, shutdown: async () => {} };
    const exporter = new RetryingExporter(inner, { deadlineMillis: 150 });
    const started = Date.now();
    const result = await exportOnce(exporter);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(Date.now() - started).toBeLessThan(400);
  });

  it('uses full jitter: the wait is random in [0, cap], cap doubling per attempt', async () => {
    const inner = scriptedExporter([
      failed(grpcError(14, 'x')),
      failed(grpcError(14, 'x')),
      failed(grpcError(14, 'x')),
    ]);
    const delays: number[] = [];
    const exporter = new RetryingExporter(inner, {
      initialBackoffMillis: 40,
      random: () => 0.5,
      onRetry: (_e, _a, d) => delays.push(d),
    });
    await exportOnce(exporter);
    expect(delays).toEqual([20, 40, 80]);
  });

  it("waits at least the collector's Retry-After, and gives up at once when that is past the deadline", async () => {
    const throttled = (ms: number) =>
      failed(Object.assign(new Error('Too Many Requests'), { code: 429, retryAfterMillis: ms }));
    const delays: number[] = [];
    const exporter = new RetryingExporter(scriptedExporter([throttled(300)]), {
      initialBackoffMillis: 40,
      random: () => 0.5,
      onRetry: (_e, _a, d) => delays.push(d),
    });
    expect((await exportOnce(exporter)).code).toBe(ExportResultCode.SUCCESS);
    expect(delays).toEqual([300]);

    const late = scriptedExporter([throttled(60_000)]);
    const started = Date.now();
    const result = await exportOnce(new RetryingExporter(late, { deadlineMillis: 2_000 }));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(late.calls).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(describeExportError(result.error)).toMatch(
      /^HTTP 429: Too Many Requests \(the collector is throttling: overloaded\); the collector asked to retry after 60 s, beyond the export timeout \(\d(\.\d)? s left of 2 s\)$/,
    );
  });

  // OTLP spec, "OTLP/gRPC Throttling": the client waits the server's retry_delay; it replaces the
  // backoff (which, jittered up to 5 s for throttling, waited up to 5 s after a 100 ms RetryInfo).
  it("waits the collector's RetryInfo delay instead of the backoff", async () => {
    const delays: number[] = [];
    const exporter = new RetryingExporter(
      scriptedExporter([
        failed(new GrpcStatusError(8, 'slow down', { retryAfterMillis: 100 })),
        failed(new GrpcStatusError(14, 'restarting', { retryAfterMillis: 120 })),
        failed(new GrpcStatusError(14, 'restarting', { retryAfterMillis: 0 })),
      ]),
      {
        initialBackoffMillis: 2_000,
        maxBackoffMillis: 2_000,
        maxThrottledBackoffMillis: 2_000,
        random: () => 0.5,
        onRetry: (_e, _a, d) => delays.push(d),
      },
    );
    expect((await exportOnce(exporter)).code).toBe(ExportResultCode.SUCCESS);
    // A RetryInfo of 0 says "retry", not "now": the backoff applies.
    expect(delays).toEqual([100, 120, 1_000]);
  });

  // A success wakes the requests waiting in backoff (the collector is back), but not one waiting
  // out the delay the collector asked it for: that one waits it out.
  it("another request's success ends backoffs early, not a wait the collector asked for", async () => {
    const started = Date.now();
    const calls = new Map<number, number[]>();
    // Request n (n spans): its first call fails as `first[n]`, its next ones succeed.
    const first: Record<number, Error> = {
      1: grpcError(14, 'UNAVAILABLE'),
      2: new GrpcStatusError(8, 'slow down', { retryAfterMillis: 300 }),
      3: new GrpcStatusError(8, 'slow down', { retryAfterMillis: 800 }),
    };
    const inner: SpanExporter = {
      export(spans, cb) {
        const times = calls.get(spans.length) ?? [];
        times.push(Date.now() - started);
        calls.set(spans.length, times);
        const error = times.length === 1 ? first[spans.length] : undefined;
        setTimeout(() => cb(error ? failed(error) : { code: ExportResultCode.SUCCESS }), 1);
      },
      async shutdown() {},
    };
    const exporter = new RetryingExporter(inner, {
      initialBackoffMillis: 2_000,
      maxBackoffMillis: 2_000,
      random: () => 1,
    });
    const spans = (n: number) => new Array(n).fill({}) as ReadableSpan[];
    const results = await Promise.all(
      [1, 2, 3].map((n) => new Promise<ExportResult>((resolve) => exporter.export(spans(n), resolve))),
    );
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    // Request 2's retry succeeds at ~300 ms: request 1 (2 s of backoff) goes then; request 3 waits its 800 ms.
    expect(calls.get(1)![1]).toBeLessThan(1_500);
    expect(calls.get(3)![1]).toBeGreaterThanOrEqual(795);
  });

  it('a RetryInfo delay past the deadline: no retry, and the loss names that wait as the cause', async () => {
    const late = scriptedExporter([
      failed(new GrpcStatusError(8, 'throttled', { retryAfterMillis: 30_000 })),
    ]);
    const started = Date.now();
    const result = await exportOnce(new RetryingExporter(late, { deadlineMillis: 2_000 }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(late.calls).toHaveLength(1);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toBeInstanceOf(RetryBeyondDeadlineError);
    expect(collectorCause(result.error, collectorNaming('http://c:4317'))).toMatch(
      /^collector at http:\/\/c:4317 rejecting exports \(RESOURCE_EXHAUSTED \(8\): throttled \(throttled by the collector: its RetryInfo asked to retry after 30 s, beyond the export timeout \(\d(\.\d)? s left of 2 s\)\)\)$/,
    );
  });

  it('shutdown ends pending backoffs at once and shuts the wrapped exporter down', async () => {
    const inner = scriptedExporter(Array.from({ length: 100 }, () => failed(grpcError(14, 'UNAVAILABLE'))));
    const exporter = new RetryingExporter(inner, {
      initialBackoffMillis: 5000,
      maxBackoffMillis: 5000,
      random: () => 1,
    });
    const pending = exportOnce(exporter);
    await new Promise((r) => setTimeout(r, 30));
    const started = Date.now();
    await exporter.shutdown();
    const result = await pending;
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(Date.now() - started).toBeLessThan(200);
    expect(inner.shutdowns).toBe(1);
  });

  it('turns a synchronous throw of the wrapped exporter into FAILED', async () => {
    const inner: SpanExporter = {
      export() {
        throw new Error('boom');
      },
      shutdown: async () => {},
    };
    const result = await exportOnce(new RetryingExporter(inner));
    expect(result.code).toBe(ExportResultCode.FAILED);
  });
});

describe('isRetryableExportError', () => {
  it.each([
    [grpcError(14, 'UNAVAILABLE'), true],
    [grpcError(4, 'DEADLINE_EXCEEDED'), true],
    // RESOURCE_EXHAUSTED: only with a RetryInfo (OTLP spec, "Failures").
    [grpcError(8, 'RESOURCE_EXHAUSTED'), false],
    [Object.assign(grpcError(8, 'RESOURCE_EXHAUSTED'), { retryAfterMillis: 0 }), true],
    [new GrpcStatusError(8, 'slow down', { retryAfterMillis: 300 }), true],
    [grpcError(10, 'ABORTED'), true],
    [grpcError(3, 'INVALID_ARGUMENT'), false],
    [grpcError(16, 'UNAUTHENTICATED'), false],
    [Object.assign(new Error('Service Unavailable'), { code: 503 }), true],
    [Object.assign(new Error('Too Many Requests'), { code: 429 }), true],
    [Object.assign(new Error('Bad Request'), { code: 400 }), false],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4317'), { code: 'ECONNREFUSED' }), true],
    [new Error('wrapped', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }), true],
    [new Error('Export failed with retryable status'), true],
    // Node's permission model (--permission without --allow-net): every attempt is refused alike.
    [
      Object.assign(grpcError(14, 'No connection established'), {
        cause: new Error('The pending stream has been canceled', {
          cause: Object.assign(new Error('connect ERR_ACCESS_DENIED'), { code: 'ERR_ACCESS_DENIED' }),
        }),
      }),
      false,
    ],
    [new Error('something else'), false],
    [undefined, false],
  ])('%s → %s', (error, expected) => {
    expect(isRetryableExportError(error)).toBe(expected);
  });

  it('describes gRPC and HTTP errors in one line', () => {
    expect(describeExportError(grpcError(14, 'No connection established'))).toBe(
      'UNAVAILABLE (14): No connection established',
    );
    expect(describeExportError(Object.assign(new Error('Bad Request'), { code: 400 }))).toBe(
      'HTTP 400: Bad Request',
    );
    // Upstream's OTLP/HTTP delegate's whole account of a 429/503 it retried until it gave up.
    expect(describeExportError(new Error('Export failed with retryable status'))).toBe(
      'the collector kept answering with a retryable HTTP status (429, 502, 503 or 504: overloaded or restarting) until the export gave up',
    );
  });

  // grpc-js ends some messages with "Resolution note:". It was removed with a regex that retried
  // `\s*` from every position of a run of spaces: a collector's message of 16 KiB of spaces took
  // 0.19 s, 64 KiB 3 s. Same result now, in linear time.
  it.each([
    ['connect failed. Resolution note: ', 'connect failed'],
    ['connect failed.  \t Resolution note:', 'connect failed'],
    ['failedResolution note:', 'failed'],
    ['a.x Resolution note:', 'a.x'],
    ['a. . Resolution note:', 'a. '],
    ['Resolution note:', ''],
    ['no note here. ', 'no note here. '],
    ['Resolution note: then more', 'Resolution note: then more'],
  ])('drops a trailing "Resolution note:" from %j as the regex did', (message, expected) => {
    const regex = message.replace(/\.?\s*Resolution note:\s*$/, '');
    expect(regex).toBe(expected);
    expect(describeExportError(new Error(message))).toBe(expected);
  });

  it('describes a message of 64 KiB of spaces in about the time of one of letters', () => {
    const time = (message: string) => {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        describeExportError(new Error(message));
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    const spaces = `x${' '.repeat(65_536)}y`;
    const letters = `x${'a'.repeat(65_536)}y`;
    const ratio = () => time(spaces) / Math.max(time(letters), 0.01);
    const first = ratio();
    // The regex made it 10^4-10^5 times slower.
    expect(first < 5 ? first : ratio()).toBeLessThan(5);
  });
});
