// "Every code block in README and docs compiles" (issue 21): each ts/js block of README.md and
// docs/*.md is type-checked as its own module against the package's source, so a renamed export, a
// wrong option or a changed signature breaks this test instead of a user's copy-paste. The app's own
// objects that snippets use (`app`, `db`, `channel`…) are declared in docs-snippet-globals.d.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/child.js';

interface Snippet {
  readonly where: string;
  readonly code: string;
}

function snippets(): Snippet[] {
  const files = ['README.md', ...readdirSync(join(repoRoot, 'docs')).map((f) => join('docs', f))];
  const out: Snippet[] = [];
  for (const file of files.filter((f) => f.endsWith('.md'))) {
    const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
    let start = -1;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      if (start < 0 && /^```(ts|typescript|js|mjs|javascript)\s*$/.test(line)) start = i + 1;
      else if (start >= 0 && line.startsWith('```')) {
        out.push({ where: `${file}:${start}`, code: lines.slice(start, i).join('\n') });
        start = -1;
      }
    }
  }
  return out;
}

function typeErrors(all: Snippet[]): Map<string, string[]> {
  const dir = join(repoRoot, 'test', '.docs-snippets');
  const virtual = new Map(all.map((s, i) => [join(dir, `snippet-${i}.ts`), `${s.code}\nexport {};\n`]));
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    esModuleInterop: true,
    allowImportingTsExtensions: true,
    types: ['node'],
    baseUrl: repoRoot,
    paths: {
      '@acme/otel': ['src/index.ts'],
      '@acme/otel/testing': ['src/testing/index.ts'],
      '@acme/otel/register': ['src/register.ts'],
      '@acme/otel/esbuild': ['src/bundler/index.ts'],
    },
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (f) => virtual.get(f) ?? readFile(f);
  host.fileExists = (f) => virtual.has(f) || fileExists(f);
  const globals = join(repoRoot, 'test', 'support', 'docs-snippet-globals.d.ts');
  const program = ts.createProgram([...virtual.keys(), globals], options, host);
  const byFile = new Map<string, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const name = d.file?.fileName ?? '(global)';
    const index = [...virtual.keys()].indexOf(name);
    const key = index >= 0 ? (all[index]?.where ?? name) : name;
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    const list = byFile.get(key) ?? [];
    list.push(`line ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    byFile.set(key, list);
  }
  return byFile;
}

describe('code blocks in README.md and docs/', () => {
  const all = snippets();
  it('finds the blocks (the extractor still matches the fences)', () => {
    expect(all.length).toBeGreaterThanOrEqual(10);
  });
  it('every ts/js block type-checks against the package', () => {
    expect(Object.fromEntries(typeErrors(all))).toEqual({});
  }, 120_000);
});
