#!/usr/bin/env node
// This is called as `node scripts/link-examples.mjs` by `prepare` (so after `npm ci`), and imported
// by examples/demo.mjs and the test suite's global setup.
// The example services are templates with their own package.json, so inside this repository
// `import '@acme/otel'` no longer resolves to the repository's own package (Node's self-reference
// works only within the package's own folder scope). A link examples/node_modules/@acme/otel →
// the repository root makes the examples run against the local build, as they did before; a copy
// outside the repository installs the package in its own node_modules instead (examples READMEs).
import { lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Creates (or repairs) examples/node_modules/@acme/otel → the repository root. Idempotent. */
export function linkExamples(root = repoRoot) {
  const link = join(root, 'examples', 'node_modules', '@acme', 'otel');
  try {
    if (lstatSync(link).isSymbolicLink() && resolve(dirname(link), readlinkSync(link)) === root) return link;
    rmSync(link, { recursive: true, force: true });
  } catch {
    // Not there yet.
  }
  mkdirSync(dirname(link), { recursive: true });
  try {
    // 'junction': a directory link Windows creates without extra rights; ignored elsewhere.
    symlinkSync(root, link, 'junction');
  } catch (error) {
    // Another process (parallel test files) made it first.
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
  }
  return link;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) linkExamples();
