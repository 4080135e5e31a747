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
 * How many bundled modules have a path matching `pattern`: esbuild heads each with a
 * `// node_modules/…` line, or keys it `"node_modules/…"() {` where it wraps it for lazy init.
 */
const inputs = (pattern: RegExp) =>
  [...files.values()]
    .flatMap((text) => text.match(/^\/\/ node_modules\/\S+$|^\s*"node_modules\/[^"]+"\(\) \{$/gm) ?? [])
    .filter((header) => pattern.test(header)).length;

describe('dist/instrumentations (the bundled instrumentations)', () => {
  it('has one entry per catalogue instrumentation, exporting its class, plus the framework entry', () => {
    const entries = [...files.keys()].filter((name) => !name.startsWith('chunk-')).sort();
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
      inputs(/@opentelemetry\/instrumentation\/build\/\w+\/platform\/node\/RequireInTheMiddleSingleton\.js/),
    ).toBe(1);
    expect(inputs(/@opentelemetry\/instrumentation\/build\/\w+\/platform\/node\/instrumentation\.js/)).toBe(
      1,
    );
    expect(inputs(/@opentelemetry\/instrumentation\/build\/src\//)).toBe(0);
    expect(files.get('framework.cjs')).toMatch(/RequireInTheMiddleSingleton/);
  });

  it('bundles of semantic-conventions only the constants read, not its CommonJS build', () => {
    const semconvInputs = [...files.values()].flatMap(
      (text) => text.match(/\/\/ node_modules\/@opentelemetry\/semantic-conventions\/\S+/g) ?? [],
    );
    expect(semconvInputs.length).toBeGreaterThan(0);
    expect(semconvInputs.filter((input) => input.endsWith('.cjs'))).toEqual([]);
    // The deprecated constant maps (trace/SemanticAttributes, resource/SemanticResourceAttributes).
    expect(definitions(/\bSEMATTRS_HTTP_METHOD\b/)).toBe(0);
  });

  it('keeps the application’s @opentelemetry/api and import-in-the-middle outside', () => {
    for (const [name, text] of files) {
      expect(text, name).not.toMatch(/\/\/ node_modules\/@opentelemetry\/api\//);
      expect(text, name).not.toMatch(/\/\/ node_modules\/import-in-the-middle\//);
    }
    expect(definitions(/require\(['"]@opentelemetry\/api['"]\)/)).toBeGreaterThan(0);
    expect(definitions(/require\(['"]import-in-the-middle['"]\)/)).toBe(1);
  });
});
