// Builds the library with tsup when dist/ is missing, so the bench runs from a fresh clone.
// A build that fails (e.g. the entry points are not written yet) is reported, not fatal: the
// @acme/otel configs then show "not built yet".
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DIST, ROOT } from './paths.mjs';

export function ensureBuilt() {
  if (existsSync(path.join(DIST, 'index.js'))) return { built: false, ok: true };
  console.log('[bench] dist/index.js missing; building with npx tsup ...');
  const r = spawnSync('npx', ['tsup'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) {
    const why = (r.stderr || r.stdout || String(r.error)).trim().split('\n').slice(-3).join(' | ');
    console.log(`[bench] build failed; @acme/otel rows will be skipped: ${why}`);
    return { built: true, ok: false, error: why };
  }
  return { built: true, ok: true };
}
