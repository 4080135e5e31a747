// In-process micro benchmarks whose fixture imports src/ directly: bundled with esbuild (tsup's
// own) into bench/.tmp/, then run in one child process, pinned to the server's core, which prints
// its result as one JSON line.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, FIXTURES, ROOT } from './paths.mjs';
import { CORE, firstJsonLine, start } from './proc.mjs';

/** Builds `bench/fixtures/<name>.ts` and runs it with `env`; resolves with its JSON result. */
export async function runBundledMicro(opts, name, env, timeoutMillis) {
  const outDir = path.join(BENCH_DIR, '.tmp');
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, `${name}.mjs`);
  const { build } = await import('esbuild');
  await build({
    entryPoints: [path.join(FIXTURES, `${name}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  const child = start(process.execPath, [outfile], {
    core: opts.pin ? CORE.server : null,
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  const result = await firstJsonLine(child, timeoutMillis);
  await child.exited;
  return result;
}
