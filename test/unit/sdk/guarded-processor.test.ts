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

/** A processor that does nothing, but for `method`, which is `fn`. */
function processorWith(method: string, fn: unknown): SpanProcessor {
  return {
    onStart: () => undefined,
    onEnd: () => undefined,
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
    [method]: fn,
  } as unknown as SpanProcessor;
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
      const processor = processorWith(method, rejecting);
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
    expect(lines.some((l) => l.includes('spanProcessors[0] threw in shutdown'))).toBe(true);
  });
});

// README: forceFlush() "export every finished span now (never rejects, time-boxed)", shutdown()
// "flush and shut down", and a processor that throws or rejects "is named once". The SDK shuts its
// processors down with Promise.all, which settles at the first rejection: a user processor whose
// shutdown rejected (or threw) let shutdown() resolve while our batch processor was still
// exporting (a SIGTERM then exited with the spans unsent: test/integration/shutdown.test.ts).
describe('a span processor of the user that fails in forceFlush or shutdown: our export still waits', () => {
  /** An exporter that answers 50 ms after each call, as a collector over the network does. */
  function slowExporter() {
    const exported: string[] = [];
    return {
      exported,
      exporter: {
        export(spans: { name: string }[], done: (result: { code: number }) => void) {
          setTimeout(() => {
            exported.push(...spans.map((s) => s.name));
            done({ code: 0 });
          }, 50);
        },
        shutdown: () => Promise.resolve(),
        forceFlush: () => Promise.resolve(),
      },
    };
  }

  const ways = [
    ['rejects', () => Promise.reject(new Error('flush boom'))],
    [
      'throws',
      () => {
        throw new Error('flush boom');
      },
    ],
  ] as const;

  for (const method of ['forceFlush', 'shutdown'] as const)
    for (const [how, fail] of ways)
      it(`${method} that ${how}: ${method}() resolves after every span is exported, and the failure is named once`, async () => {
        const { exporter, exported } = slowExporter();
        const processor = processorWith(method, fail);
        const tracing = initTracing(
          {
            serviceName: 'svc',
            exporter: exporter as never,
            handleSignals: false,
            instrumentations: false,
            batch: { scheduledDelayMillis: 600_000 },
            spanProcessors: [processor],
          },
          { OTEL_NODE_RESOURCE_DETECTORS: 'none' },
        );
        const unhandled = await unhandledRejections(async () => {
          for (let i = 0; i < 3; i++) tracing.tracer.startSpan(`span-${i}`).end();
          await expect(tracing[method]()).resolves.toBeUndefined();
          expect(exported).toEqual(['span-0', 'span-1', 'span-2']);
        });
        expect(unhandled).toEqual([]);
        const named = lines.filter((l) => l.includes('flush boom'));
        expect(named, lines.join('\n')).toHaveLength(1);
        expect(named[0]).toContain(`spanProcessors[0] threw in ${method} (flush boom)`);
      });
});
