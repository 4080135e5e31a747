// Issue 20 item 7: secrets leave the process only scrubbed, outside span data too: the resource
// (`process.command_args`, OTEL_RESOURCE_ATTRIBUTES values) and our own log lines. One real child
// process under `--require dist/register.cjs`, a real OTLP/gRPC receiver; the canary must not be
// in any byte the receiver got, nor in anything the child printed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, spawnNode } from '../support/child.js';
import { type OtlpReceiver, type ReceivedSpan, startReceiver } from '../support/otlp-receiver.mjs';

const CANARY = 'c4n4ryArgv7Q';
let rx: OtlpReceiver;
let spans: ReceivedSpan[];
let output: string;
let bytes: Buffer;

beforeAll(async () => {
  rx = await startReceiver({ port: 0 });
  const child = spawnNode(
    [
      '--require',
      `${repoRoot}dist/register.cjs`,
      'test/fixtures/secret-argv-app.cjs',
      `--db-url=postgres://admin:${CANARY}@db/prod`,
      `--api-key=${CANARY}`,
      '--password',
      CANARY,
      `-p${CANARY}`,
      `--callback=https://example.com/cb?token=${CANARY}&page=2`,
      `DB_PASSWORD=${CANARY}`,
      '--port',
      '8080',
    ],
    {
      OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
      OTEL_SERVICE_NAME: 'secret-argv-app',
      OTEL_NODE_RESOURCE_DETECTORS: 'process',
      OTEL_RESOURCE_ATTRIBUTES: `team=payments,db.password=${CANARY},vault.url=https://ops:${CANARY}@vault/x,note=token%3D${CANARY}`,
      CANARY,
    },
  );
  const { code } = await child.exited;
  expect(code).toBe(0);
  spans = await rx.waitForSpans(2, { timeoutMs: 10_000 });
  output = child.output();
  bytes = rx.rawBytes();
}, 30_000);
afterAll(() => rx.stop());

function resource(): Record<string, unknown> {
  const work = spans.find((s) => s.name === 'work');
  expect(work).toBeDefined();
  return work!.resource;
}

describe('secrets outside span data (argv canary)', () => {
  it('process.command_args keeps its shape with every secret replaced', () => {
    expect(resource()['process.command_args']).toEqual(
      expect.arrayContaining([
        '--db-url=postgres://REDACTED:REDACTED@db/prod',
        '--api-key=[REDACTED]',
        '--password',
        '[REDACTED]',
        '-p[REDACTED]',
        '--callback=https://example.com/cb?token=REDACTED&page=2',
        'DB_PASSWORD=[REDACTED]',
        '--port',
        '8080',
      ]),
    );
  });

  it('OTEL_RESOURCE_ATTRIBUTES values are scrubbed like span attributes', () => {
    const r = resource();
    expect(r.team).toBe('payments');
    expect(r['db.password']).toBe('[REDACTED]');
    expect(r['vault.url']).toBe('https://REDACTED:REDACTED@vault/x');
    expect(r.note).toBe('token=[REDACTED]');
  });

  it('the failed detached task is logged scrubbed, like its span', () => {
    expect(spans.some((s) => s.name === 'notify')).toBe(true);
    expect(output).toMatch(
      /\[@acme\/otel\] detached task "notify" failed: Error: upstream refused: password=\[REDACTED\] with header Authorization: \[REDACTED\]/,
    );
    expect(output).not.toContain(CANARY);
  });

  it('no exported byte carries the canary', () => {
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes(Buffer.from(CANARY))).toBe(false);
  });
});
