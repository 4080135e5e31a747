// An instrumented package at a version its instrumentation does not patch: upstream leaves it
// alone without a word (a debug line at most), so a service on, say, express 6 ran untraced
// silently. In a real process with --require dist/register.cjs, from an app whose node_modules
// hold an express 6 and a pg 8 (stand-ins with those versions): one line names express, its
// version and the instrumentation's range; nothing is said of pg, which is patched.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, spawnNode } from '../support/child.js';

let dir: string;
function fakePackage(name: string, version: string, source: string) {
  const at = join(dir, 'node_modules', name);
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
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a package version the instrumentation leaves alone', () => {
  it('is named once, with the range the instrumentation patches', async () => {
    const child = spawnNode(['--require', join(repoRoot, 'dist/register.cjs'), join(dir, 'app.cjs')], {
      OTEL_TRACES_EXPORTER: 'none',
    });
    const { code } = await child.exited;
    expect(code).toBe(0);
    const lines = child
      .output()
      .split('\n')
      .filter((l) => l.includes('is not traced'));
    expect(lines).toEqual([
      '[@acme/otel] express@6.0.0 is not traced: the express instrumentation (@opentelemetry/instrumentation-express) patches >=4.0.0 <6 only, and leaves other versions alone',
    ]);
    expect(child.output()).toContain('done');
  });
});
