// The README's environment-variable table must match what the code reads (STYLE.md rule 7).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/child.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const ENV_NAME = /\b((?:OTEL|ACME_OTEL)_[A-Z][A-Z0-9_]*[A-Z0-9])\b/g;

function envNamesInCode(): Set<string> {
  const names = new Set<string>();
  for (const file of sourceFiles(join(repoRoot, 'src'))) {
    // String literals only: comments may mention variables we deliberately do not read.
    for (const literal of readFileSync(file, 'utf8').match(/(['"`])(?:OTEL|ACME_OTEL)_[A-Z0-9_]+\1/g) ?? []) {
      names.add(literal.slice(1, -1));
    }
  }
  return names;
}

function envNamesInReadmeTable(): Set<string> {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Environment variables'));
  const table = section.slice(0, section.indexOf('\n## ', 5));
  const names = new Set<string>();
  for (const line of table.split('\n')) {
    const first = line.startsWith('| `') ? line.split('|')[1] : undefined;
    for (const m of first?.matchAll(ENV_NAME) ?? []) names.add(m[1]!);
  }
  return names;
}

describe('README environment-variable table', () => {
  it('documents every variable the code reads', () => {
    const missing = [...envNamesInCode()].filter((n) => !envNamesInReadmeTable().has(n));
    expect(missing).toEqual([]);
  });
  it('documents no variable the code does not read', () => {
    const code = envNamesInCode();
    const stale = [...envNamesInReadmeTable()].filter((n) => !code.has(n));
    expect(stale).toEqual([]);
  });
});
