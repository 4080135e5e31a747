import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { initTracing } from '../../../src/sdk/init.js';
import { MAX_TRACERS, OVERFLOW_TRACER_NAME } from '../../../src/sdk/tracer-bound.js';
import { captureLogLines, resetTracing } from '../../support/reset.js';

// The SDK keeps every tracer it made for the process's life: a tracer named per request grew the
// heap without bound (~95 MB per 200,000 names, measured). Past MAX_TRACERS distinct ones they share one.
afterEach(resetTracing);

function start() {
  const lines = captureLogLines();
  const exporter = new InMemorySpanExporter();
  const handle = initTracing({ serviceName: 'svc', exporter, handleSignals: false, instrumentations: false });
  return { lines, exporter, handle };
}

describe('distinct tracers are bounded', () => {
  it(`past ${MAX_TRACERS}, new names share one tracer, said once; the earlier ones keep theirs`, async () => {
    const { lines, exporter, handle } = start();
    const first = trace.getTracer('lib-a', '1.0.0');
    for (let i = 0; i < 3 * MAX_TRACERS; i++) trace.getTracer(`per-request-${i}`).startSpan('op').end();
    expect(trace.getTracer('lib-a', '1.0.0')).toBe(first); // known keys are still served
    first.startSpan('from-a').end();
    trace.getTracer('late-library').startSpan('late').end();
    await handle.forceFlush();
    const spans = exporter.getFinishedSpans();
    const scopes = new Set(spans.map((s) => s.instrumentationScope.name));
    expect(scopes.size).toBeLessThanOrEqual(MAX_TRACERS + 1);
    expect(scopes).toContain(OVERFLOW_TRACER_NAME);
    expect(spans.find((s) => s.name === 'from-a')?.instrumentationScope).toMatchObject({
      name: 'lib-a',
      version: '1.0.0',
    });
    expect(spans.find((s) => s.name === 'late')?.instrumentationScope.name).toBe(OVERFLOW_TRACER_NAME);
    const said = lines.filter((l) => l.includes('tracers were asked for'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(
      /^\[@acme\/otel\] more than 1024 tracers were asked for \(the first refused: "per-request-\d+"\)/,
    );
  });

  it('cuts a tracer name or version longer than 1,024 characters (it goes with every request as the scope)', async () => {
    const { lines, exporter, handle } = start();
    trace.getTracer('n'.repeat(5_000_000), 'v'.repeat(3000)).startSpan('big-scope').end();
    trace.getTracer('n'.repeat(5_000_000), 'v'.repeat(3000)).startSpan('again').end();
    await handle.forceFlush();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.instrumentationScope.name.length)).toEqual([1024, 1024]);
    expect(spans.map((s) => s.instrumentationScope.version?.length)).toEqual([1024, 1024]);
    expect(spans[0]!.instrumentationScope).toBe(spans[1]!.instrumentationScope); // one tracer
    expect(lines.filter((l) => l.includes('was cut to 1024'))).toEqual([
      expect.stringMatching(/^\[@acme\/otel\] a tracer name of 5000000 characters was cut to 1024/),
      expect.stringMatching(/^\[@acme\/otel\] a tracer version of 3000 characters was cut to 1024/),
    ]);
  });
});
