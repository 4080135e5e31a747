// Builds the library with tsup once at the start of every run (unless --no-build), so the @acme
// rows always measure the current src/ and never a stale dist/ from an earlier build. A build
// that fails (e.g. the entry points are not written yet) is reported, not fatal: the @acme/otel
// configs then use whatever dist/ holds, or show "not built yet".
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DIST, ROOT } from './paths.mjs';

export function ensureBuilt({ always = true } = {}) {
  const present = existsSync(path.join(DIST, 'index.js'));
  if (present && !always) return { built: false, ok: true };
  console.log(
    `[bench] ${present ? 'rebuilding' : 'dist/index.js missing; building'} dist/ with npx tsup ...`,
  );
  const r = spawnSync('npx', ['tsup'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) {
    const why = (r.stderr || r.stdout || String(r.error)).trim().split('\n').slice(-3).join(' | ');
    console.log(`[bench] build failed; @acme/otel rows use the dist/ present (if any): ${why}`);
    return { built: true, ok: false, error: why };
  }
  return { built: true, ok: true };
}
