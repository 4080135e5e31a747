// An instrumented package at a version its instrumentation does not patch: upstream leaves it
// alone without a word (a debug line at most), so a service on, say, express 6 ran untraced
// silently. In a real process with --require dist/register.cjs, from an app whose node_modules
// hold an express 6 and a pg 8 (stand-ins with those versions): one line names express, its
// version and the instrumentation's range; nothing is said of pg, which is patched. The same for
// an ES import (--import), and for a dependency's own copy of another major (the check ran for
// the first copy's require only). And an ES import that starts a deferred --import register: a
// one-file CommonJS package is loaded by then, yet patched; it was called "loaded before tracing
// started" and counted inactive.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, spawnNode } from '../support/child.js';

let dir: string;
function fakePackage(name: string, version: string, source: string, under = '') {
  const at = join(dir, under, 'node_modules', name);
  mkdirSync(at, { recursive: true });
  writeFileSync(join(at, 'package.json'), JSON.stringify({ name, version, main: 'index.js' }));
  writeFileSync(join(at, 'index.js'), source);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'acme-otel-versions-'));
  fakePackage('express', '6.0.0', 'module.exports = function express() { return {}; };\n');
  fakePackage(
    'pg',
    '8.11.0',
    'class Client { query() {} connect() {} }\nmodule.exports = { Client, Pool: class {} };\n',
  );
  writeFileSync(
    join(dir, 'app.cjs'),
    "require('express');\nrequire('pg');\nsetTimeout(() => console.log('done'), 400);\n",
  );
  // A dependency with its own express 7.
  fakePackage('lib', '1.0.0', "module.exports = require('express');\n");
  fakePackage(
    'express',
    '7.1.0',
    'module.exports = function express() { return {}; };\n',
    'node_modules/lib',
  );
  writeFileSync(
    join(dir, 'two-copies.cjs'),
    "require('express');\nrequire('lib');\nsetTimeout(() => {}, 400);\n",
  );
  writeFileSync(join(dir, 'app.mjs'), "import 'express';\nsetTimeout(() => console.log('done'), 400);\n");
  writeFileSync(
    join(dir, 'pg-first.mjs'),
    "import pg from 'pg';\nconsole.log('query wrapped:', pg.Client.prototype.query.__wrapped === true);\n",
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const notTraced = (version: string) =>
  `[@acme/otel] express@${version} is not traced: the express instrumentation (@opentelemetry/instrumentation-express) patches >=4.0.0 <6 only, and leaves other versions alone`;

async function run(flag: '--require' | '--import', app: string) {
  const register = join(repoRoot, flag === '--require' ? 'dist/register.cjs' : 'dist/register-esm.js');
  const child = spawnNode([flag, register, join(dir, app)], { OTEL_TRACES_EXPORTER: 'none' });
  const { code } = await child.exited;
  expect(code, child.output()).toBe(0);
  const lines = child.output().split('\n');
  return { output: child.output(), notTraced: lines.filter((l) => l.includes('is not traced')).sort() };
}

describe('a package version the instrumentation leaves alone', () => {
  it('is named once, with the range the instrumentation patches', async () => {
    const { output, notTraced: lines } = await run('--require', 'app.cjs');
    expect(lines).toEqual([notTraced('6.0.0')]);
    expect(output).toContain('done');
  });

  it('is named when imported as an ES module (--import)', async () => {
    const { output, notTraced: lines } = await run('--import', 'app.mjs');
    expect(lines).toEqual([notTraced('6.0.0')]);
    expect(output).toContain('done');
  });

  it("a dependency's own copy of another major is named too", async () => {
    expect((await run('--require', 'two-copies.cjs')).notTraced).toEqual([
      notTraced('6.0.0'),
      notTraced('7.1.0'),
    ]);
  });
});

describe('the ES import that starts a deferred --import register', () => {
  it('a one-file CommonJS package is patched, not called loaded before tracing started', async () => {
    const { output } = await run('--import', 'pg-first.mjs');
    expect(output).toContain('query wrapped: true');
    expect(output).not.toContain('before tracing started');
    expect(output).not.toContain('inactive');
  });
});
