import { expect } from 'vitest';
import { repoRoot, spawnNode } from './child.js';
import { type OtlpReceiver, type ReceivedSpan, startReceiver } from './otlp-receiver.mjs';

/**
 * Runs a fixture app under `--require dist/register.cjs` against a fresh receiver, expects it to
 * exit 0, and waits for `count` spans. The caller stops the receiver (`rx.stop()`).
 */
export async function spansOfApp(
  fixture: string,
  env: Record<string, string>,
  count: number,
): Promise<{ rx: OtlpReceiver; spans: ReceivedSpan[] }> {
  const rx = await startReceiver({ port: 0 });
  const child = spawnNode(['--require', `${repoRoot}dist/register.cjs`, fixture], {
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
    ...env,
  });
  const { code } = await child.exited;
  expect(code, child.output()).toBe(0);
  return { rx, spans: await rx.waitForSpans(count, { timeoutMs: 10_000 }) };
}
