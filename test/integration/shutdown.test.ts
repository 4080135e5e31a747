// Process behaviour of the exit path, in real child processes against a real OTLP/gRPC receiver.
// Guards: "nothing is lost on a normal shutdown" and "a hung collector never keeps the process
// alive past the timeout" (issue 2), and Node's exit semantics (128 + signal number).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnNode } from '../support/child.js';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';

let rx: OtlpReceiver;
beforeAll(async () => {
  rx = await startReceiver({ port: 0 });
});
afterEach(() => {
  rx.setMode('ok');
  rx.clear();
});
afterAll(() => rx.stop());

/** A collector that takes every call and never answers, over OTLP/gRPC and OTLP/HTTP. */
let hung: OtlpReceiver;
beforeAll(async () => {
  hung = await startReceiver({ port: 0, http: true });
  hung.setMode('hang');
});
afterAll(() => hung.stop());

function hungCollector(protocol: 'grpc' | 'http/protobuf'): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_EXPORTER_OTLP_ENDPOINT:
      protocol === 'grpc' ? hung.endpoint : hung.httpEndpoint!.replace(/\/v1\/traces$/, ''),
  };
}

const app = 'test/fixtures/shutdown-app.mjs';

/** The app against the receiver, sent SIGTERM once ready: the child and its exit code. */
async function sigtermOnceReady(env: Record<string, string>) {
  const child = spawnNode([app], { OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint, ...env });
  await child.waitForOutput('ready');
  child.proc.kill('SIGTERM');
  return { child, code: (await child.exited).code };
}

describe('signals', () => {
  it('SIGTERM with pending spans: every span reaches the receiver, exit code 143', async () => {
    const child = spawnNode([app], { OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint, SPANS: '300' });
    await child.waitForOutput('ready');
    expect(rx.spans()).toHaveLength(0);
    child.proc.kill('SIGTERM');
    const { code } = await child.exited;
    expect(code).toBe(143);
    const spans = rx.spans();
    expect(spans).toHaveLength(600);
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(600);
    expect(spans.every((s) => s.resource['service.name'] === 'shutdown-app')).toBe(true);
  });

  // A processor of the app's whose shutdown rejected let the provider's shutdown settle at once
  // (the SDK's Promise.all), and the process exited 143 with the export still in flight.
  it("SIGTERM with a span processor of the app's whose shutdown rejects: every span, exit 143, named once", async () => {
    const { child, code } = await sigtermOnceReady({ SPANS: '2000', FAILING_PROCESSOR: '1' });
    expect(code).toBe(143);
    expect(new Set(rx.spans().map((s) => s.spanId)).size).toBe(4000);
    expect(
      child.output().match(/spanProcessors\[0\] threw in shutdown \(app processor shutdown failed\)/g),
    ).toHaveLength(1);
    expect(child.output()).not.toContain('lost at exit');
  });

  it('SIGINT exits 130 after flushing', async () => {
    const child = spawnNode([app], { OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint, SPANS: '5' });
    await child.waitForOutput('ready');
    child.proc.kill('SIGINT');
    expect((await child.exited).code).toBe(130);
    expect(rx.spans()).toHaveLength(10);
  });

  it('an application SIGTERM handler owns the exit; spans are still flushed', async () => {
    const { child, code } = await sigtermOnceReady({ SPANS: '20', APP_SIGTERM_HANDLER: '1' });
    expect(child.output()).toContain('app handler ran');
    expect(code).toBe(0);
    expect(rx.spans()).toHaveLength(40);
  });

  it('a hung collector does not hold SIGTERM past the shutdown timeout', async () => {
    rx.setMode('hang');
    const child = spawnNode([app], {
      OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
      ACME_OTEL_SHUTDOWN_TIMEOUT: '1000',
      SPANS: '10',
    });
    await child.waitForOutput('ready');
    const sent = Date.now();
    child.proc.kill('SIGTERM');
    const { code } = await child.exited;
    expect(code).toBe(143);
    expect(Date.now() - sent).toBeLessThan(4_000);
    // No silent loss: what could not be delivered is counted and named.
    expect(child.output()).toMatch(/\[@acme\/otel\] failed to export 20 spans to http:\/\/127\.0\.0\.1:\d+/);
  });

  it('an unreachable collector does not hold SIGTERM past the shutdown timeout', async () => {
    const child = spawnNode([app], {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', // discard port: connection refused
      ACME_OTEL_SHUTDOWN_TIMEOUT: '1000',
      SPANS: '10',
    });
    await child.waitForOutput('ready');
    const sent = Date.now();
    child.proc.kill('SIGTERM');
    expect((await child.exited).code).toBe(143);
    expect(Date.now() - sent).toBeLessThan(4_000);
  });
});

describe('natural exit (beforeExit)', () => {
  it('a script that just ends exports every span and exits 0', async () => {
    const child = spawnNode([app], {
      OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
      SPANS: '100',
      EXIT_NATURALLY: '1',
    });
    const { code } = await child.exited;
    expect(code).toBe(0);
    expect(rx.spans()).toHaveLength(200);
  });

  it('keeps a non-zero process.exitCode', async () => {
    const child = spawnNode(
      [
        '--input-type=module',
        '-e',
        `process.exitCode = 3; await import('./test/fixtures/shutdown-app.mjs');`,
      ],
      { OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint, SPANS: '3', EXIT_NATURALLY: '1' },
    );
    expect((await child.exited).code).toBe(3);
    expect(rx.spans()).toHaveLength(6);
  });

  // Guards (the export in flight): with more than a batch pending (600 spans, batches of 512) an
  // export call was in flight when the script ended, and it kept the process alive until its
  // deadline, before the time-boxed exit flush could even start: 11.2 s with a 1 s shutdown
  // timeout and the default 10 s export timeout. An export call no longer keeps the process alive;
  // the exit flush, bounded, does.
  const hungCases = [
    { what: 'spans queued', protocol: 'grpc', spans: 3 },
    { what: 'an export in flight', protocol: 'grpc', spans: 300 },
    { what: 'an export in flight', protocol: 'http/protobuf', spans: 300 },
  ] as const;
  for (const { what, protocol, spans } of hungCases) {
    it(`with a hung collector and ${what} it still exits within the timeout (${protocol})`, async () => {
      const child = spawnNode([app], {
        ...hungCollector(protocol),
        OTEL_EXPORTER_OTLP_TIMEOUT: '20000',
        ACME_OTEL_SHUTDOWN_TIMEOUT: '1000',
        SPANS: String(spans),
        EXIT_NATURALLY: '1',
      });
      const { code, ms } = await child.exited;
      expect(code).toBe(0);
      // A fourth of the call's deadline, which held the process open before.
      expect(ms).toBeLessThan(5_000);
      expect(child.output()).toContain(`${spans * 2} spans were lost at exit`);
    });
  }

  // Guards: `forceFlush()` gave up at its bound ("giving up so the process is not held open"), but
  // the batch processor went on waiting for the flush with a timer of the batch export timeout
  // (30 s), which held the script that awaited it open for 30.9 s in all (5 s shutdown timeout).
  // Now its wait ends at the shutdown timeout too, and the exit flush that follows is bounded.
  it('a script that awaits forceFlush() against a hung collector exits within its bounds', async () => {
    const child = spawnNode([app], {
      ...hungCollector('grpc'),
      ACME_OTEL_SHUTDOWN_TIMEOUT: '1000',
      OTEL_BSP_EXPORT_TIMEOUT: '20000',
      SPANS: '3',
      AWAIT_FLUSH: '1',
    });
    const { code, ms } = await child.exited;
    expect(code).toBe(0);
    expect(child.output()).toMatch(/forceFlush did not finish within 1000 ms/);
    // forceFlush's bound, then the exit flush's: a fourth of the batch export timeout.
    expect(ms).toBeLessThan(5_000);
    expect(child.output()).toMatch(/6 spans were lost at exit/);
  });
});

describe('shutdown() against a hung collector', () => {
  // Guards: shutdown() resolved at its bound, but the export call it had given up on (its spans
  // already counted lost) still held the process open until that call's own deadline: a script
  // that awaited shutdown() and ended took the export timeout to exit (10 s by default; measured
  // 9.0 s after shutdown() resolved with a 1 s shutdown timeout, both protocols).
  for (const protocol of ['grpc', 'http/protobuf'] as const) {
    it(`the process ends when shutdown() has given up, not at the call's deadline (${protocol})`, async () => {
      const exportTimeout = 20_000;
      const child = spawnNode([app], {
        ...hungCollector(protocol),
        OTEL_EXPORTER_OTLP_TIMEOUT: String(exportTimeout),
        ACME_OTEL_SHUTDOWN_TIMEOUT: '1000',
        SPANS: '3',
        AWAIT_SHUTDOWN: '1',
      });
      const { code } = await child.exited;
      expect(code).toBe(0);
      const at = (what: string) => Number(child.output().match(new RegExp(`${what} at (\\d+)`))?.[1]);
      // The loss is still counted and named.
      expect(child.output()).toMatch(/failed to export 6 spans/);
      // Well inside the call's deadline (a fifth of it), which held the process open before.
      expect(at('exited') - at('shutdown resolved')).toBeLessThan(exportTimeout / 5);
    });
  }
});

describe('opt-out', () => {
  it('ACME_OTEL_HANDLE_SIGNALS=false leaves SIGTERM to Node (killed by the signal)', async () => {
    const child = spawnNode([app], {
      OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
      ACME_OTEL_HANDLE_SIGNALS: 'false',
      SPANS: '3',
    });
    await child.waitForOutput('ready');
    child.proc.kill('SIGTERM');
    const { code, signal } = await child.exited;
    expect(code).toBeNull();
    expect(signal).toBe('SIGTERM');
  });

  // README, "Owning the shutdown yourself": the crash and process.exit() flush stays on either way
  // (and "however a process ends by itself, the spans it ended are exported first").
  for (const [how, end, code] of [
    ['process.exit(3)', 'process.exit(3)', 3],
    ['an uncaught exception', "throw new Error('boom')", 1],
    ['the script ends', '', 0],
  ] as const) {
    it(`ACME_OTEL_HANDLE_SIGNALS=false: ${how} still exports every span (exit ${code})`, async () => {
      const child = spawnNode(
        ['--input-type=module', '-e', `await import('./test/fixtures/shutdown-app.mjs'); ${end};`],
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
          ACME_OTEL_HANDLE_SIGNALS: 'false',
          SPANS: '20',
          EXIT_NATURALLY: '1',
        },
      );
      expect((await child.exited).code).toBe(code);
      expect(rx.spans()).toHaveLength(40);
    });
  }
});
