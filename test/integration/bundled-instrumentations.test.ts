// The build bundles every instrumentation of the catalogue with the framework they share
// (tsup.config.ts, dist/instrumentations/). What must hold of that bundle for the lazy loader and
// the instrumentations to work together, and for it to stay cheaper to load than node_modules.
// Processes that use it: register.test.ts, early-loads.test.ts, the packed-package test.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/instrumentations/catalogue.js';
import { repoRoot } from '../support/child.js';
import { setup as buildDist } from '../support/global-setup.js';

const dir = join(repoRoot, 'dist', 'instrumentations');
let files: Map<string, string>;

beforeAll(() => {
  if (!existsSync(join(dir, 'framework.cjs'))) buildDist();
  files = new Map(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}, 120_000);

/** How many files of the bundle define `pattern`. */
const definitions = (pattern: RegExp) => [...files.values()].filter((text) => pattern.test(text)).length;

/**
 * The node_modules paths of the modules bundled into `text`: esbuild heads each with a
 * `// node_modules/…` line, or keys it `"node_modules/…"(…) {` where it wraps it (`__esm` for an ES
 * module it initialises lazily, `__commonJS` for a CommonJS one).
 */
const MODULE_PATH = /^\/\/ (node_modules\/\S+)$|^\s*"(node_modules\/[^"]+)"\([^)]*\) \{$/gm;
const bundledPaths = (text: string) => [...text.matchAll(MODULE_PATH)].map((m) => (m[1] ?? m[2]) as string);
/** The bundle's modules (from every file) whose path matches `pattern`. */
const inputs = (pattern: RegExp) => [...files.values()].flatMap(bundledPaths).filter((p) => pattern.test(p));
/** `node_modules/@scope/name/…` → `@scope/name`. */
const packageOf = (modulePath: string) =>
  /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(modulePath)?.[1] as string;

describe('dist/instrumentations (the bundled instrumentations)', () => {
  it('has one entry per catalogue instrumentation, exporting its class, plus the framework entry', () => {
    const entries = [...files.keys()]
      .filter((name) => name.endsWith('.cjs') && !name.startsWith('chunk-'))
      .sort();
    expect(entries).toEqual([...[...CATALOGUE.keys()].map((name) => `${name}.cjs`), 'framework.cjs'].sort());
    for (const entry of CATALOGUE.values()) {
      expect(files.get(`${entry.name}.cjs`), entry.name).toMatch(new RegExp(`\\b${entry.className}\\b`));
    }
  });

  it('holds one copy of the require hook singleton and of InstrumentationBase', () => {
    // Two copies (the ES and the CommonJS build of @opentelemetry/instrumentation) meant two
    // require hooks: the lazy loader registered through one, express's instrumentation through the
    // other, and express loaded after initTracing() was not patched.
    // One module each, from one build of the package.
    expect(
      inputs(/@opentelemetry\/instrumentation\/build\/\w+\/platform\/node\/RequireInTheMiddleSingleton\.js$/),
    ).toHaveLength(1);
    expect(
      inputs(/@opentelemetry\/instrumentation\/build\/\w+\/platform\/node\/instrumentation\.js$/),
    ).toHaveLength(1);
    expect(inputs(/@opentelemetry\/instrumentation\/build\/src\//)).toEqual([]);
    expect(files.get('framework.cjs')).toMatch(/RequireInTheMiddleSingleton/);
  });

  it('bundles semantic-conventions from its ES build, without its CommonJS build or the deprecated maps', () => {
    const semconv = inputs(/^node_modules\/@opentelemetry\/semantic-conventions\//);
    expect(semconv.length).toBeGreaterThan(0);
    expect(semconv.filter((input) => !input.endsWith('.mjs'))).toEqual([]);
    // The deprecated constant maps (trace/SemanticAttributes, resource/SemanticResourceAttributes).
    expect(definitions(/\bSEMATTRS_HTTP_METHOD\b/)).toBe(0);
  });

  it('takes @opentelemetry/api from dist/api/ (the one tracing uses) and keeps import-in-the-middle outside', () => {
    expect(inputs(/^node_modules\/(@opentelemetry\/api|import-in-the-middle)\//)).toEqual([]);
    expect(definitions(/require\(['"]\.\.\/api\/index\.cjs['"]\)/)).toBeGreaterThan(0);
    expect(definitions(/require\(['"]@opentelemetry\/api['"]\)/)).toBe(0);
    expect(definitions(/require\(['"]import-in-the-middle['"]\)/)).toBe(1);
  });

  it('ships the license and notice texts of every package it bundles, ours in dist/ too', () => {
    for (const folder of [dir, join(repoRoot, 'dist'), join(repoRoot, 'dist/api')]) {
      const code = readdirSync(folder).filter((name) => /\.c?js$/.test(name));
      const bundled = new Set(
        code.flatMap((name) => bundledPaths(readFileSync(join(folder, name), 'utf8')).map(packageOf)),
      );
      expect(bundled.size, folder).toBeGreaterThan(0);
      const notices = readFileSync(join(folder, 'THIRD-PARTY-NOTICES.txt'), 'utf8');
      const named = new Set([...notices.matchAll(/^=== ((?:@[^/\s]+\/)?[^@\s]+)@/gm)].map((m) => m[1]));
      expect(
        [...bundled].filter((name) => !named.has(name)),
        folder,
      ).toEqual([]);
    }
    const notices = readFileSync(join(dir, 'THIRD-PARTY-NOTICES.txt'), 'utf8');
    // MIT asks for the copyright line; vendored code (shimmer inside the framework) is named too.
    expect(notices).toMatch(/=== require-in-the-middle@[\d.]+ \(MIT\)\n\n--- LICENSE\n\n[^=]*Copyright/);
    expect(notices).toMatch(/--- LICENSES\/shimmer\/LICENSE\n\nBSD 2-Clause License/);
  });
});
