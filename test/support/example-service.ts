import { join } from 'node:path';
import { type Child, repoRoot, spawnNode } from './child.js';

/**
 * One example service as its README starts it (`node --import ./src/tracing.mjs src/server.mjs`
 * from its folder), on a free port of 127.0.0.1, exporting to `otlpEndpoint` every 50 ms.
 * Resolves once it printed its address.
 */
export async function startExampleService(
  name: string,
  otlpEndpoint: string,
  env: Record<string, string> = {},
): Promise<{ child: Child; url: string }> {
  const child = spawnNode(
    ['--import', './src/tracing.mjs', 'src/server.mjs'],
    {
      HOST: '127.0.0.1',
      PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
      OTEL_BSP_SCHEDULE_DELAY: '50',
      OTEL_LOG_LEVEL: 'warn',
      ...env,
    },
    join(repoRoot, 'examples', name),
  );
  try {
    await child.waitForOutput(/listening on http:\/\/[\d.]+:\d+/, 20_000);
  } catch (error) {
    child.proc.kill('SIGKILL');
    throw error;
  }
  return { child, url: /listening on (http:\/\/[\d.]+:\d+)/.exec(child.output())![1]! };
}
