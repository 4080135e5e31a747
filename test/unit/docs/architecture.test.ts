// docs/ARCHITECTURE.md against the tree (issue 22): every src/ folder has its line, no line names
// a folder that is gone, and each folder imports only the folders its line allows.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/child.js';

const src = join(repoRoot, 'src');
const doc = readFileSync(join(repoRoot, 'docs', 'ARCHITECTURE.md'), 'utf8');

// `- \`config/\`: what it owns. May import: diag, errors, types.` (or `May import: nothing.`)
const LINE = /^- `([a-z-]+)\/`: .* May import: ([a-z, -]+)\.$/gm;
const documented = new Map<string, Set<string>>();
for (const [, folder, list] of doc.matchAll(LINE)) {
  const allowed = list === undefined || list === 'nothing' ? [] : list.split(', ');
  documented.set(folder as string, new Set(allowed));
}

const folders = readdirSync(src, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Top-level folder (or root file without extension) a path under src/ belongs to. */
function unitOf(path: string): string {
  const [first, second] = relative(src, path).split(sep);
  return second === undefined ? (first as string).replace(/\.[jt]s$/, '') : (first as string);
}

function importsOf(folder: string): Set<string> {
  const used = new Set<string>();
  for (const file of sourceFiles(join(src, folder))) {
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(/\bfrom '(\.\.?\/[^']+)'/g)) {
      const target = unitOf(join(dirname(file), spec as string));
      if (target !== folder) used.add(target);
    }
  }
  return used;
}

describe('docs/ARCHITECTURE.md', () => {
  it('has a line for every src/ folder, and none for a folder that is gone', () => {
    expect(folders.length).toBeGreaterThan(10);
    expect([...documented.keys()].sort()).toEqual(folders);
  });

  it.each(folders)('%s/ imports only what its line allows', (folder) => {
    const allowed = documented.get(folder) ?? new Set<string>();
    expect([...importsOf(folder)].filter((f) => !allowed.has(f)).sort()).toEqual([]);
  });
});
