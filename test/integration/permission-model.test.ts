// Node's permission model (`--permission`, `--experimental-permission` on Node 20) takes away
// worker threads (the exit path's sender) and, from Node 25 on, the network, unless the command
// line grants them. Real child processes on each Node the suite runs on.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';
import { runNode } from '../support/run-pair.js';

const major = Number(process.versions.node.split('.')[0]);
const permissionFlag = major >= 22 ? '--permission' : '--experimental-permission';
/** Node 25 on restricts connections under the model; earlier lines neither know nor need the flag. */
const netRestricted = process.allowedNodeEnvironmentFlags.has('--allow-net');
const netFlags = netRestricted ? ['--allow-net'] : [];

let rx: OtlpReceiver;
beforeAll(async () => {
  rx = await startReceiver({ port: 0 });
});
afterAll(() => rx.stop());
afterEach(() => rx.clear());

function run(flags: string[], crash: boolean) {
  return runNode('test/fixtures/permission-app.cjs', true, {
    flags: [permissionFlag, '--allow-fs-read=*', ...flags],
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
      OTEL_SERVICE_NAME: 'permission-model',
      OTEL_BSP_SCHEDULE_DELAY: '600000',
      ...(crash ? { CRASH: '1' } : {}),
    },
  });
}

const ours = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('[@acme/otel]'));

describe("under Node's permission model", () => {
  it('without --allow-worker: said at start-up; a crash loses its spans and says why; a normal end exports them', async () => {
    const crashed = await run(netFlags, true);
    expect(crashed.code).toBe(1);
    const lines = ours(crashed.stderr);
    expect(lines.filter((l) => l.includes('without --allow-worker'))).toHaveLength(1);
    expect(
      lines.some((l) =>
        /2 spans were lost at exit: the exit sender could not start .*--allow-worker/.test(l),
      ),
    ).toBe(true);
    expect(rx.spans()).toEqual([]);

    const ended = await run(netFlags, false);
    expect(ended.code).toBe(0);
    expect(ours(ended.stderr).filter((l) => l.includes('without --allow-worker'))).toHaveLength(1);
    expect(
      rx
        .spans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['first', 'second']);
  });

  it('with --allow-worker: nothing said, and a crash sends every span', async () => {
    const crashed = await run(['--allow-worker', ...netFlags], true);
    expect(crashed.code).toBe(1);
    expect(ours(crashed.stderr).filter((l) => l.includes('permission model'))).toEqual([]);
    expect(
      rx
        .spans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['first', 'second']);
  });

  it.runIf(netRestricted)(
    'without --allow-net (Node 25 on): said at start-up; the refused export is not retried through the shutdown timeout',
    async () => {
      const ended = await run(['--allow-worker'], false);
      expect(ended.code).toBe(0);
      const lines = ours(ended.stderr);
      expect(lines.filter((l) => l.includes('without --allow-net'))).toHaveLength(1);
      // Refused alike on every attempt: one loss line with the reason and the flag, no retries
      // (they held the exit for the whole 5 s shutdown timeout, untraced it took ~0.5 s).
      const loss = lines.filter((l) => l.includes('failed to export 2 spans'));
      expect(loss).toHaveLength(1);
      expect(loss[0]).toMatch(/ERR_ACCESS_DENIED.*run node with --allow-net$/);
      expect(lines.filter((l) => /retrying|shutdown timeout/.test(l))).toEqual([]);
      expect(rx.spans()).toEqual([]);
    },
  );
});
