// Our lines go to stderr. When its reader has gone (a pipe into `head`, a log shipper that died),
// the write fails with EPIPE. Handed to process.stderr, our line raised that error as an 'error'
// event with no listener: an uncaught exception, exit 1, in an app that untraced ran to the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';
import { runNode } from '../support/run-pair.js';

let rx: OtlpReceiver;
beforeAll(async () => {
  rx = await startReceiver({ port: 0 });
});
afterAll(() => rx.stop());

async function runWithStderrClosed(
  traced: boolean,
  app = 'test/fixtures/closed-stderr-app.cjs',
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string }> {
  const { code, stdout } = await runNode(app, traced, {
    stderrClosed: true,
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
      OTEL_SERVICE_NAME: 'closed-stderr',
      OTEL_TRACES_SAMPLER: 'foo',
      ...env,
    },
  });
  return { code, stdout };
}

describe('stderr closed under the app', () => {
  it('our lines are dropped, the app runs to the end as untraced, and its spans are exported', async () => {
    const untraced = await runWithStderrClosed(false);
    expect(untraced).toEqual({ code: 0, stdout: 'survived\n' });
    const traced = await runWithStderrClosed(true);
    expect(traced).toEqual({ code: 0, stdout: 'survived\n' });
    expect(
      rx
        .spans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['after', 'before']);
  });

  // A worker thread's lines go to its own process.stderr (so that `stderr: true` captures them),
  // which Node pipes into the main thread's process.stderr. There, EPIPE was raised as an 'error'
  // event with no listener: exit 1, while untraced the app ran to the end.
  it("… also a worker thread's lines, piped through the main thread's process.stderr", async () => {
    const app = 'test/fixtures/closed-stderr-worker-app.cjs';
    const env = { ACME_OTEL_WORKER_THREADS: 'true' };
    rx.clear();
    expect(await runWithStderrClosed(false, app, env)).toEqual({ code: 0, stdout: 'survived\n' });
    expect(await runWithStderrClosed(true, app, env)).toEqual({ code: 0, stdout: 'survived\n' });
    expect(
      rx
        .spans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['after', 'main-span', 'worker-span']);
  });
});
