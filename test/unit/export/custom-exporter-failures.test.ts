// A custom exporter's failures are counted and reported as they happen, whatever it fails with
// (issue 20: every loss counted and reported with its true cause). Before, its batch processor had
// no drop reporter: failures were only summed up at shutdown, and the summary named the OTLP
// endpoint it never used. An error it could not read (an object without a prototype, a revoked
// Proxy) threw out of the export path later: the batch was never counted and nothing was said.
import { ExportResultCode } from '@opentelemetry/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { initTracing } from '../../../src/sdk/init.js';
import { captureLogLines, resetTracing } from '../../support/reset.js';

let lines: string[];
const unhandled = vi.fn();
beforeEach(() => {
  lines = captureLogLines();
  process.on('unhandledRejection', unhandled);
  process.on('uncaughtException', unhandled);
  unhandled.mockClear();
});
afterEach(async () => {
  process.off('unhandledRejection', unhandled);
  process.off('uncaughtException', unhandled);
  await resetTracing();
});

function revokedProxy(): unknown {
  const { proxy, revoke } = Proxy.revocable(new Error('gone'), {});
  revoke();
  return proxy;
}

const failures: [string, () => unknown, string][] = [
  ['an Error', () => new Error('backend said no'), 'backend said no'],
  ['an object without a prototype', () => Object.create(null), 'could not be read'],
  ['a revoked Proxy', revokedProxy, 'could not be read'],
];

describe('a custom exporter that fails', () => {
  // 'by rejecting': an `async export` that throws. Its rejection went unhandled (exit 1 on Node's
  // default settings) and the batch waited out its export timeout, then blamed the timeout.
  for (const way of ['through the callback', 'by throwing', 'by rejecting'] as const) {
    it.each(failures)(
      `with %s ${way}: counted as failed, reported promptly with its cause`,
      async (_n, make, cause) => {
        const exporter: SpanExporter = {
          export(_spans, callback) {
            if (way === 'by throwing') throw make();
            if (way === 'by rejecting') return Promise.reject(make()) as never;
            callback({ code: ExportResultCode.FAILED, error: make() as Error });
          },
          shutdown: () => Promise.resolve(),
        };
        const tracing = initTracing(
          {
            serviceName: 'svc',
            exporter,
            handleSignals: false,
            instrumentations: false,
            // Short, so that the old wait for it ends within the test.
            batch: { exportTimeoutMillis: 1500 },
          },
          { OTEL_NODE_RESOURCE_DETECTORS: 'none' },
        );
        for (let i = 0; i < 3; i++) tracing.tracer.startSpan(`span-${i}`).end();
        await tracing.forceFlush();
        expect(tracing.stats().failed).toBe(3);
        // Reported within the first report's gathering time (2 s), not only at shutdown.
        await vi.waitFor(() => expect(lines.some((l) => l.includes('failed to export 3 spans'))).toBe(true), {
          timeout: 4000,
        });
        const line = lines.find((l) => l.includes('failed to export 3 spans'))!;
        expect(line).toContain(cause);
        // No collector is involved: none is named.
        expect(line).not.toContain('4317');
        expect(line).not.toContain('collector');
        expect(unhandled).not.toHaveBeenCalled();
      },
    );
  }
});
