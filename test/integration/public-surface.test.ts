// The public surface of the built package (issue 22: moving src/ around must not change it). Every
// name src/index.ts, src/testing/index.ts and the register entries export is imported from the
// package by name (`@acme/otel`, `@acme/otel/testing`, `@acme/otel/register`), through its exports
// map, with `import` and with `require`, in a child process; and the type-only names are in the
// built declarations.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/child.js';

/** `export { a, b } from` (values) and `export type { C } from` (types) of one source entry file. */
function exportsOf(file: string): { values: string[]; types: string[] } {
  const text = readFileSync(join(repoRoot, 'src', file), 'utf8');
  const values: string[] = [];
  const types: string[] = [];
  for (const [, type, names] of text.matchAll(/^export (type )?\{([^}]*)\} from /gm)) {
    const list = (names as string)
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    (type ? types : values).push(...list);
  }
  return { values: values.sort(), types: types.sort() };
}

/** The names a child process sees on the package entry, loaded with `import` and with `require`. */
function loadedNames(specifier: string): { esm: string[]; cjs: string[] } {
  const script = `
    const keys = (m) => Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule').sort();
    const esm = keys(await import(${JSON.stringify(specifier)}));
    const cjs = keys((await import('node:module')).createRequire(process.cwd() + '/')(${JSON.stringify(specifier)}));
    console.log(JSON.stringify({ esm, cjs }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: repoRoot,
    // The register entries start tracing on load: with the SDK disabled they set nothing up.
    env: { PATH: process.env.PATH, OTEL_SDK_DISABLED: 'true', OTEL_NODE_RESOURCE_DETECTORS: 'none' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { esm: string[]; cjs: string[] };
}

/** The names a built declaration file exports (its closing `export { ... }` lists). */
function declaredNames(file: string): Set<string> {
  const text = readFileSync(join(repoRoot, 'dist', file), 'utf8');
  const names = new Set<string>();
  // Also `export { … } from './types-….js'`: types two entries share (the testing kit takes the
  // option types of initTracing) are declared once, in a chunk, and re-exported by name.
  for (const [, list] of text.matchAll(/^export \{([^}]*)\}(?: from '[^']+')?;?$/gm)) {
    for (const entry of (list as string).split(',')) {
      const name = entry
        .trim()
        .replace(/^type /, '')
        .split(/\s+as\s+/)
        .at(-1);
      if (name) names.add(name);
    }
  }
  return names;
}

describe.each([
  ['@acme/otel', 'index.ts', 'index'],
  ['@acme/otel/testing', 'testing/index.ts', 'testing'],
])('%s', (specifier, source, dist) => {
  const { values, types } = exportsOf(source);

  it('exports every value name of its source entry, the same with import and require', () => {
    expect(values.length).toBeGreaterThan(2);
    const { esm, cjs } = loadedNames(specifier);
    expect(esm).toEqual(values);
    expect(cjs).toEqual(values);
  });

  it('declares every value and type name in both declaration files', () => {
    for (const file of [`${dist}.d.ts`, `${dist}.d.cts`]) {
      const declared = declaredNames(file);
      expect([...values, ...types].filter((n) => !declared.has(n))).toEqual([]);
    }
  });
});

it('@acme/otel/register loads with import and require and exports no names', () => {
  expect(exportsOf('register.ts').values).toEqual([]);
  expect(exportsOf('register-esm.ts').values).toEqual([]);
  expect(loadedNames('@acme/otel/register')).toEqual({ esm: [], cjs: [] });
});
