// Secret scrubbing worst case: the slowest 256 KB string among the adversarial shapes (issue 20:
// `eyJ-` repeated once took 18.8 s). Goal ≤ 5 ms. The fixture imports the redactor from src/, so it
// is bundled with esbuild (tsup's own) into bench/.tmp/ first. Alone: npm run bench -- --only scrub
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, FIXTURES, ROOT } from '../lib/paths.mjs';
import { CORE, firstJsonLine, start } from '../lib/proc.mjs';

export async function runScrub(ctx) {
  const { opts, log } = ctx;
  const outDir = path.join(BENCH_DIR, '.tmp');
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, 'scrub-micro.mjs');
  const { build } = await import('esbuild');
  await build({
    entryPoints: [path.join(FIXTURES, 'scrub-micro.ts')],
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
    env: { ...process.env, BENCH_RUNS: String(opts.scrubRuns) },
  });
  const r = await firstJsonLine(child, 120_000);
  await child.exited;
  log(
    `  worst 256 KB string: ${r.worst.ms.toFixed(2)} ms (${r.worst.name}); plain text ${r.plainMs.toFixed(2)} ms; goal ≤ 5 ms`,
  );
  return r;
}
