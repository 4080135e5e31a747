// The register entries do not load the secret scrubber at start-up (~170 KB of code: 6-17 ms of an
// empty app's start, `npm run bench`); our first log line before tracing starts loads it
// (src/diag/log.ts, dist/log-scrubber.{js,cjs}), and that line is scrubbed as every line is.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnNode } from '../support/child.js';

const APP = 'test/fixtures/log-scrubber-state.cjs';
// ES modules are not in require.cache: a loader hook notes those that hold the scrubber.
const OBSERVE_ESM = ['--import', './test/fixtures/scrubber-load-observer.mjs'];

const ENTRIES: [string, string[]][] = [
  ['--require', ['--require', './dist/register.cjs']],
  ['--import', [...OBSERVE_ESM, '--import', './dist/register-esm.js']],
  // The CommonJS twin of the scrubber's entry, where Node has no require(esm).
  ['--require, no require(esm)', ['--no-experimental-require-module', '--require', './dist/register.cjs']],
  [
    '--import, no require(esm)',
    ['--no-experimental-require-module', ...OBSERVE_ESM, '--import', './dist/register-esm.js'],
  ],
];

let runs = 0;
async function run(args: string[], env: Record<string, string> = {}) {
  const loads = join(tmpdir(), `acme-otel-scrubber-loads-${process.pid}-${runs++}.txt`);
  try {
    const child = spawnNode([...args, APP], { SCRUBBER_LOADS_FILE: loads, ...env });
    const { code } = await child.exited;
    return { code, output: child.output() };
  } finally {
    rmSync(loads, { force: true });
  }
}

describe.each(ENTRIES)('%s', (_name, args) => {
  it('an app that writes no line of ours does not load the scrubber', async () => {
    const { code, output } = await run(args);
    expect(code).toBe(0);
    expect(output).toContain('scrubber loaded: false');
    // (Node 26 says module.register() is deprecated where require(esm) is off: not ours.)
    expect(output).not.toContain('[@acme/otel]');
  });

  it('a config warning at start-up loads it, and is scrubbed', async () => {
    const { code, output } = await run(args, {
      OTEL_TRACES_SAMPLER: 'always_on password=hunter2 Bearer abc.def.ghi',
    });
    expect(code).toBe(0);
    expect(output).toContain('OTEL_TRACES_SAMPLER="always_on password=[REDACTED] [REDACTED]"');
    expect(output).not.toMatch(/hunter2|abc\.def/);
    expect(output).not.toContain('message withheld');
  });

  it('an endpoint in a warning loses its userinfo and secret query parameters', async () => {
    const { output } = await run(args, {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://bob:hunter2@127.0.0.1:4317/?api_key=abc123',
    });
    expect(output).toContain(
      'OTEL_EXPORTER_OTLP_ENDPOINT="ftp://REDACTED:REDACTED@127.0.0.1:4317/?api_key=REDACTED"',
    );
    expect(output).not.toMatch(/hunter2|abc123/);
  });
});
