// Our lines go to stderr. When its reader has gone (a pipe into `head`, a log shipper that died),
// the write fails with EPIPE. Handed to process.stderr, our line raised that error as an 'error'
// event with no listener: an uncaught exception, exit 1, in an app that untraced ran to the end.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/child.js';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';

let rx: OtlpReceiver;
beforeAll(async () => {
  rx = await startReceiver({ port: 0 });
});
afterAll(() => rx.stop());

function runWithStderrClosed(traced: boolean): Promise<{ code: number | null; stdout: string }> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('OTEL_') && !k.startsWith('ACME_OTEL_') && k !== 'NODE_OPTIONS')
      base[k] = v;
  }
  const args = [
    ...(traced ? ['--require', './dist/register.cjs'] : []),
    'test/fixtures/closed-stderr-app.cjs',
  ];
  const proc = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: {
      ...base,
      OTEL_NODE_RESOURCE_DETECTORS: 'none',
      OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
      OTEL_SERVICE_NAME: 'closed-stderr',
      OTEL_TRACES_SAMPLER: 'foo',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The reader goes away before the child has written anything.
  proc.stderr.destroy();
  let stdout = '';
  proc.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  const kill = setTimeout(() => proc.kill('SIGKILL'), 20_000);
  return new Promise((resolve) => {
    proc.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout });
    });
  });
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
});
