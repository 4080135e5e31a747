// A user's span processor that throws (`spanProcessors`) neither throws into the application nor
// costs the span its export (issue 20: nothing crashes the host, nothing is lost silently). The SDK
// calls processors one after another unguarded: before, a throw in onStart came out of
// `startSpan`, and a throw in onEnd kept the span from the export after it, with nothing said.
import { InMemorySpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initTracing } from '../../../src/sdk/init.js';
import { captureLogLines, resetTracing } from '../../support/reset.js';
import { unhandledRejections } from '../../support/unhandled.js';

let lines: string[];
beforeEach(() => {
  lines = captureLogLines();
});
afterEach(async () => {
  await resetTracing();
});

function failing(method: 'onStart' | 'onEnding' | 'onEnd', thrown: () => unknown): SpanProcessor {
  const throwIf = (m: string) => {
    if (m === method) throw thrown();
  };
  return {
    onStart: () => throwIf('onStart'),
    onEnding: () => throwIf('onEnding'),
    onEnd: () => throwIf('onEnd'),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  } as SpanProcessor;
}

describe('a span processor of the user that throws', () => {
  for (const method of ['onStart', 'onEnding', 'onEnd'] as const) {
    it(`in ${method}: no throw into the app, every span exported, named once`, async () => {
      const exporter = new InMemorySpanExporter();
      const { proxy: revoked, revoke } = Proxy.revocable(new Error('x'), {});
      revoke();
      let calls = 0;
      const tracing = initTracing(
        {
          serviceName: 'svc',
          exporter,
          handleSignals: false,
          instrumentations: false,
          // The second throws what cannot even be read.
          spanProcessors: [
            failing(method, () => new Error(`${method} boom`)),
            failing(method, () => {
              calls++;
              return revoked;
            }),
          ],
        },
        { OTEL_NODE_RESOURCE_DETECTORS: 'none' },
      );
      expect(() => {
        for (let i = 0; i < 3; i++) tracing.tracer.startSpan(`span-${i}`).end();
      }).not.toThrow();
      await tracing.forceFlush();
      expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['span-0', 'span-1', 'span-2']);
      const named = lines.filter((l) => l.includes(`threw in ${method}`));
      expect(named).toHaveLength(2);
      expect(named[0]).toContain(`spanProcessors[0] threw in ${method} (${method} boom)`);
      expect(named[1]).toContain('spanProcessors[1]');
      expect(calls).toBe(3);
    });
  }

  // An `async onEnd` (or onStart) that throws returns a rejected promise, which the guard above
  // let through: the SDK drops the return value, so the rejection went unhandled and, on Node's
  // default --unhandled-rejections=throw, ended the process at the first span.
  for (const method of ['onStart', 'onEnding', 'onEnd'] as const) {
    it(`async in ${method}: its rejection is named once, never left unhandled`, async () => {
      const exporter = new InMemorySpanExporter();
      let calls = 0;
      const rejecting = async () => {
        calls++;
        throw new Error(`async ${method} boom`);
      };
      const processor = {
        onStart: () => undefined,
        onEnd: () => undefined,
        forceFlush: () => Promise.resolve(),
        shutdown: () => Promise.resolve(),
        [method]: rejecting,
      } as unknown as SpanProcessor;
      const tracing = initTracing(
        {
          serviceName: 'svc',
          exporter,
          handleSignals: false,
          instrumentations: false,
          spanProcessors: [processor],
        },
        { OTEL_NODE_RESOURCE_DETECTORS: 'none' },
      );
      const unhandled = await unhandledRejections(async () => {
        for (let i = 0; i < 3; i++) tracing.tracer.startSpan(`span-${i}`).end();
        await tracing.forceFlush();
      });
      expect(calls).toBe(3);
      expect(unhandled).toEqual([]);
      expect(exporter.getFinishedSpans()).toHaveLength(3);
      const named = lines.filter((l) => l.includes(`threw in ${method}`));
      expect(named).toHaveLength(1);
      expect(named[0]).toContain(`spanProcessors[0] threw in ${method} (async ${method} boom)`);
    });
  }

  it('in shutdown, synchronously: shutdown still resolves and says so', async () => {
    const processor = failing('onEnd', () => undefined);
    processor.shutdown = () => {
      throw Object.create(null);
    };
    const tracing = initTracing(
      {
        serviceName: 'svc',
        exporter: new InMemorySpanExporter(),
        handleSignals: false,
        instrumentations: false,
        spanProcessors: [processor],
      },
      { OTEL_NODE_RESOURCE_DETECTORS: 'none' },
    );
    await expect(tracing.shutdown()).resolves.toBeUndefined();
    expect(lines.some((l) => l.includes('shutdown failed'))).toBe(true);
  });
});
