// Absolute paths the bench needs, resolved from the repository root.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const ROOT = path.dirname(BENCH_DIR);
export const DIST = path.join(ROOT, 'dist');
export const FIXTURES = path.join(BENCH_DIR, 'fixtures');

const requireFromRoot = createRequire(path.join(ROOT, 'package.json'));

export function resolveFromRoot(specifier) {
  try {
    return requireFromRoot.resolve(specifier);
  } catch {
    return null;
  }
}

export function distFile(name) {
  const file = path.join(DIST, name);
  return existsSync(file) ? file : null;
}
