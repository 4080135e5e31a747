// `tracing.stats()` counts every exporter's spans (issue 21): the console and waterfall exporters
// print spans one at a time, outside the batch processor that keeps the counters, and used to
// report `exported: 0` after printing them.
import { context, propagation, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { CountingExporter } from '../../../src/export/counting-exporter.js';
import { createExportStats } from '../../../src/export/stats.js';
import { getTracingHandle, initTracing } from '../../../src/sdk/init.js';
import type { ExporterName } from '../../../src/types.js';

const env = { OTEL_NODE_RESOURCE_DETECTORS: 'none' };

function resetGlobals() {
  trace.disable();
  context.disable();
  propagation.disable();
}

beforeEach(() => {
  resetGlobals();
  resetLogger();
  setLogSink(() => undefined);
  // Keep the printed spans out of the test output.
  vi.spyOn(console, 'dir').mockImplementation(() => undefined);
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  await getTracingHandle()?.shutdown();
  vi.restoreAllMocks();
  resetGlobals();
  resetLogger();
});

function start(exporter: ExporterName | ExporterName[]) {
  return initTracing({ serviceName: 'svc', exporter, handleSignals: false, instrumentations: false }, env);
}

describe('stats() with local exporters', () => {
  it.each(['console', 'waterfall'] as const)('%s: every printed span counts as exported', async (name) => {
    const tracing = start(name);
    for (let i = 0; i < 3; i++) tracing.tracer.startSpan(`span-${i}`).end();
    await tracing.forceFlush();
    expect(tracing.stats()).toEqual({
      exported: 3,
      dropped: 0,
      failed: 0,
      retries: 0,
      rejected: 0,
      truncated: 0,
    });
  });

  it('console and waterfall together: each exporter counts its copy of the span', async () => {
    const tracing = start(['console', 'waterfall']);
    tracing.tracer.startSpan('one').end();
    await tracing.forceFlush();
    expect(tracing.stats().exported).toBe(2);
  });

  it('spans the exporter refuses count as failed, not exported', () => {
    const stats = createExportStats();
    const refusing: SpanExporter = {
      export: (_spans, done) => done({ code: ExportResultCode.FAILED, error: new Error('closed') }),
      shutdown: () => Promise.resolve(),
    };
    const results: ExportResultCode[] = [];
    new CountingExporter(refusing, stats).export([{}, {}] as ReadableSpan[], (r) => results.push(r.code));
    expect(results).toEqual([ExportResultCode.FAILED]);
    expect(stats.snapshot()).toEqual({
      exported: 0,
      dropped: 0,
      failed: 2,
      retries: 0,
      rejected: 0,
      truncated: 0,
    });
  });
});
