// Issue 21, unit level: which upstream diagnostics are superseded by our own env warnings, how a
// module loaded too early is reported, and how the start-up line counts what can still work.
import { describe, expect, it } from 'vitest';
import { summaryLine } from '../../../src/config/describe.js';
import { resolveConfig } from '../../../src/config/resolve.js';
import { isResolvedHere } from '../../../src/diag/otel-diag.js';
import { earlyLoadWarning, findEarlyLoads } from '../../../src/instrumentations/index.js';

describe('upstream diagnostics about variables we resolve ourselves', () => {
  // Verbatim from sdk-trace-base 2.x, core 2.x and otlp-exporter-base 0.2xx.
  it.each([
    'OTEL_TRACES_SAMPLER value "foo" invalid, defaulting to "parentbased_always_on".',
    'OTEL_TRACES_SAMPLER_ARG is blank, defaulting to 1.',
    "Unknown value 'abc' for OTEL_TRACES_SAMPLER_ARG, expected a number, using defaults",
    "Unknown value 'abc' for OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT, expected a number, using defaults",
    'Configuration: OTEL_EXPORTER_OTLP_TIMEOUT is invalid, expected number greater than 0 (actual: -5)',
    "Configuration: OTEL_EXPORTER_OTLP_COMPRESSION is invalid, expected 'none' or 'gzip' (actual: 'foo')",
    "Configuration: Could not parse environment-provided export URL: 'foo', falling back to undefined",
    'Failed to read root certificate file',
  ])('superseded: %s', (message) => {
    expect(isResolvedHere(message)).toBe(true);
  });

  it.each([
    // A variable we do not read ourselves stays upstream's to report.
    "Unknown value 'x' for OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT, expected a number, using defaults",
    'Module express has been loaded before @opentelemetry/instrumentation-express so it might not work',
    'Metadata cannot be set when using http',
  ])('kept: %s', (message) => {
    expect(isResolvedHere(message)).toBe(false);
  });
});

describe('batch size against queue size', () => {
  it('a small queue alone is not a mistake: the default batch fits it, and nothing is said', async () => {
    const { resetLogger, setLogSink } = await import('../../../src/diag/log.js');
    const lines: string[] = [];
    resetLogger();
    setLogSink((_level, line) => lines.push(line));
    try {
      const config = resolveConfig(
        {},
        { OTEL_NODE_RESOURCE_DETECTORS: 'none', OTEL_BSP_MAX_QUEUE_SIZE: '100' },
      );
      expect(config.batch).toMatchObject({ maxQueueSize: 100, maxExportBatchSize: 100 });
      expect(lines).toEqual([]);
    } finally {
      resetLogger();
    }
  });
});

describe('modules loaded before tracing', () => {
  it('nothing instrumented in require.cache and no ESM entry: no warning', () => {
    const early = findEarlyLoads(['http', 'koa'], { esmLoader: true });
    expect(early).toEqual({ modules: [], instrumentations: [], esmEntry: undefined });
    expect(earlyLoadWarning(early)).toBeUndefined();
  });

  it('a package in require.cache is named, with the instrumentation it disables', async () => {
    // vitest itself loads neither; require it the way an application would.
    const { createRequire } = await import('node:module');
    createRequire(import.meta.url)('express');
    const early = findEarlyLoads(['http', 'express', 'pg'], { esmLoader: true });
    expect(early.modules).toEqual(['express']);
    expect(early.instrumentations).toEqual(['express']);
    expect(
      findEarlyLoads(['http', 'express'], { esmLoader: true, skip: (n) => n === 'express' }).modules,
    ).toEqual([]);
    expect(earlyLoadWarning(early)).toMatch(
      /^express was loaded before tracing started, so it is not traced: start the app with `node --require @acme\/otel\/register .*`, or call initTracing\(\) before requiring express$/,
    );
  });

  it('the start-up line counts only what can still take effect, and says why', () => {
    const config = resolveConfig(
      { exporter: 'none', instrumentations: ['http', 'express'] },
      { OTEL_NODE_RESOURCE_DETECTORS: 'none' },
    );
    expect(summaryLine(config)).toMatch(/; 2 instrumentations \(lazy\)/);
    expect(summaryLine(config, false, ['express'])).toMatch(
      /; 1 instrumentation \(lazy; express inactive: loaded too late\)/,
    );
  });
});
