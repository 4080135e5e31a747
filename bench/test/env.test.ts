// The environment `npm run bench` gives every traced process (bench/lib/configs.mjs). The upstream
// register's default resource detectors include cloud ones that call link-local metadata
// addresses; nothing the bench runs may send traffic off loopback.
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM bench module without types
import { tracingEnv } from '../lib/configs.mjs';

const CLOUD = ['all', 'aws', 'gcp', 'azure', 'alibaba'];

describe('bench tracingEnv', () => {
  it('names only local resource detectors, for ours and upstream alike', () => {
    const env = tracingEnv('http://127.0.0.1:4317') as Record<string, string>;
    const detectors = env.OTEL_NODE_RESOURCE_DETECTORS?.split(',') ?? [];
    expect(detectors).toEqual(expect.arrayContaining(['env', 'host', 'os', 'process', 'container']));
    for (const name of CLOUD) expect(detectors).not.toContain(name);
  });

  it("replaces the shell's OTEL_* variables, a detector list included", () => {
    const saved = process.env.OTEL_NODE_RESOURCE_DETECTORS;
    process.env.OTEL_NODE_RESOURCE_DETECTORS = 'all';
    try {
      const env = tracingEnv('http://127.0.0.1:4317') as Record<string, string>;
      expect(env.OTEL_NODE_RESOURCE_DETECTORS).not.toContain('all');
      expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://127.0.0.1:4317');
    } finally {
      if (saved === undefined) delete process.env.OTEL_NODE_RESOURCE_DETECTORS;
      else process.env.OTEL_NODE_RESOURCE_DETECTORS = saved;
    }
  });
});
