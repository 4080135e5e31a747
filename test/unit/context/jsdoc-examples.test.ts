// Every public helper of issue 4 documents itself with an @example (STYLE.md rule 7).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as contextHelpers from '../../../src/context/index.js';
import * as logHelpers from '../../../src/log-correlation/index.js';
import * as testingKit from '../../../src/testing/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function docsByFunction(dir: string): Map<string, string> {
  const docs = new Map<string, string>();
  for (const file of readdirSync(join(root, dir))) {
    const text = readFileSync(join(root, dir, file), 'utf8');
    for (const match of text.matchAll(/(\/\*\*(?:(?!\*\/)[\s\S])*\*\/)\s*export function (\w+)/g)) {
      docs.set(match[2]!, match[1]!);
    }
  }
  return docs;
}

describe.each([
  ['src/context', contextHelpers],
  ['src/log-correlation', logHelpers],
  ['src/testing', testingKit],
])('%s', (dir, exports) => {
  const docs = docsByFunction(dir);
  const functions = Object.entries(exports)
    .filter(([name, value]) => typeof value === 'function' && !/^[A-Z]/.test(name) && !name.startsWith('is'))
    .map(([name]) => name);

  it.each(functions)('%s has JSDoc with an @example that imports from the package', (name) => {
    const doc = docs.get(name);
    expect(doc, `${name} has no JSDoc`).toBeDefined();
    expect(doc).toContain('@example');
    expect(doc).toMatch(/from '@acme\/otel(\/testing)?'/);
  });
});
