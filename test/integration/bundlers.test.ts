// Bundled services (issue 21): an express + pg app bundled with esbuild (otelPlugin) or webpack
// (webpackExternals) and run with `--require @acme/otel/register` exports the same spans as the
// app unbundled; an app that imports @acme/otel itself bundles, starts and traces. Real builds in a
// temporary folder laid out like a deployment (the bundle beside a node_modules), real child
// processes, the real OTLP/gRPC receiver, PostgreSQL on 127.0.0.1:5432.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import webpack from 'webpack';
import type * as Bundler from '../../src/bundler/index.js';
import { type Child, repoRoot, spawnNode } from '../support/child.js';
import { setup as buildDist } from '../support/global-setup.js';
import { type OtlpReceiver, type ReceivedSpan, startReceiver } from '../support/otlp-receiver.mjs';

const REQUIRE = ['--require', `${repoRoot}dist/register.cjs`];
const IMPORT = ['--import', `${repoRoot}dist/register-esm.js`];
let rx: OtlpReceiver;
let dir: string;
let bundler: typeof Bundler;
const children: Child[] = [];

beforeAll(async () => {
  if (!existsSync(`${repoRoot}dist/esbuild.js`)) buildDist();
  // What the package exports, as a build script would import it.
  bundler = (await import(`${repoRoot}dist/esbuild.js`)) as typeof Bundler;
  rx = await startReceiver({ port: 0 });
  // A deployment: the sources (later the bundles) beside a node_modules holding the packages the
  // bundles keep external, @acme/otel among them.
  dir = mkdtempSync(path.join(tmpdir(), 'acme-otel-bundlers-'));
  mkdirSync(path.join(dir, 'node_modules', '@acme'), { recursive: true });
  for (const name of readdirSync(path.join(repoRoot, 'node_modules'))) {
    symlinkSync(path.join(repoRoot, 'node_modules', name), path.join(dir, 'node_modules', name));
  }
  symlinkSync(repoRoot, path.join(dir, 'node_modules', '@acme', 'otel'));
  cpSync(path.join(repoRoot, 'test', 'fixtures', 'bundle'), dir, { recursive: true });
  // The README's snippets build `src/main.js`.
  mkdirSync(path.join(dir, 'src'));
  cpSync(path.join(dir, 'app.cjs'), path.join(dir, 'src', 'main.js'));
}, 120_000);
afterEach(() => {
  for (const child of children.splice(0)) child.proc.kill('SIGKILL');
  rx.clear();
});
afterAll(async () => {
  await rx?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** The README "Bundlers" code block whose first line is `firstLine`. */
function readmeSnippet(firstLine: string): string {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Bundlers\n'), readme.indexOf('\n## Performance\n'));
  const block = section.split('```js\n').find((part) => part.startsWith(firstLine));
  if (block === undefined) throw new Error(`no README code block starting with ${firstLine}`);
  return block.slice(0, block.indexOf('```'));
}

function esbuild(
  entry: string,
  outfile: string,
  plugins: Bundler.EsbuildPlugin[],
  format: 'cjs' | 'esm' = 'cjs',
) {
  return build({
    absWorkingDir: dir,
    entryPoints: [entry],
    outfile: path.join(dir, outfile),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format,
    logLevel: 'silent',
    plugins,
  });
}

/** Runs `args`, asks for /orders/7 once, stops it with SIGTERM and returns what it exported. */
async function run(args: string[], serviceName: string): Promise<ReceivedSpan[]> {
  const child = spawnNode(args, {
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
    OTEL_SERVICE_NAME: serviceName,
    OTEL_BSP_SCHEDULE_DELAY: '600000',
  });
  children.push(child);
  await child.waitForOutput(/listening on \d+/);
  const port = Number(/listening on (\d+)/.exec(child.output())?.[1]);
  const res = await get(port, '/orders/7');
  expect(res, child.output()).toEqual({ status: 200, body: '{"id":7}' });
  child.proc.kill('SIGTERM');
  expect((await child.exited).code, child.output()).toBe(143);
  expect(child.output()).not.toMatch(/could not be loaded|is off|Error/);
  const spans = rx.spans();
  rx.clear();
  return spans;
}

function get(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: urlPath }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** What must not change with bundling: each span's scope, name, kind and route, sorted. */
function shape(spans: ReceivedSpan[]): string[] {
  return spans
    .map((s) => `${s.scope.name} ${s.kind} ${s.name} ${String(s.attributes['http.route'] ?? '')}`.trim())
    .sort();
}

/** The request's trace: server span `GET /orders/:id` with http.route, express and pg spans under it. */
function expectFullTrace(spans: ReceivedSpan[]): void {
  const server = spans.find((s) => s.kind === 'SERVER');
  expect(server?.name).toBe('GET /orders/:id');
  expect(server?.attributes['http.route']).toBe('/orders/:id');
  const trace = spans.filter((s) => s.traceId === server?.traceId);
  expect(trace.some((s) => s.scope.name === '@opentelemetry/instrumentation-express')).toBe(true);
  const query = trace.find(
    (s) => s.scope.name === '@opentelemetry/instrumentation-pg' && s.name.startsWith('pg.query'),
  );
  expect(query?.attributes['db.query.text']).toBe('SELECT $1::int AS id');
}

describe('express + pg app with --require @acme/otel/register', () => {
  let unbundled: ReceivedSpan[];
  beforeAll(async () => {
    unbundled = await run([...REQUIRE, path.join(dir, 'app.cjs')], 'bundled-app');
  }, 60_000);

  it('unbundled: the reference trace', () => {
    expectFullTrace(unbundled);
  });

  it("README's esbuild build script (otelPlugin): the same spans as unbundled; says what it kept out and writes the manifest", async () => {
    writeFileSync(path.join(dir, 'build.mjs'), readmeSnippet('// build.mjs'));
    const built = spawnSync(process.execPath, ['build.mjs'], { cwd: dir, encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    expect(built.stderr).toMatch(
      /^\[@acme\/otel\] kept out of the bundle, for tracing to load and patch at run time; ship them in node_modules: @acme\/otel@[\d.]+, express@[\d.]+, pg@[\d.]+\n$/,
    );
    const version = (name: string) =>
      (
        JSON.parse(readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
    expect(JSON.parse(readFileSync(path.join(dir, 'dist', 'externals.json'), 'utf8'))).toEqual({
      dependencies: { '@acme/otel': version('@acme/otel'), express: version('express'), pg: version('pg') },
    });

    const spans = await run([...REQUIRE, path.join(dir, 'dist', 'main.cjs')], 'bundled-app');
    expectFullTrace(spans);
    expect(shape(spans)).toEqual(shape(unbundled));
  });

  it('esbuild without the plugin loses the express and pg spans (why the plugin exists)', async () => {
    await esbuild('app.cjs', 'out/esbuild-plain.cjs', []);
    const spans = await run([...REQUIRE, path.join(dir, 'out', 'esbuild-plain.cjs')], 'bundled-app');
    expect(spans.find((s) => s.kind === 'SERVER')?.name).toBe('GET');
    expect(spans.map((s) => s.scope.name)).not.toContain('@opentelemetry/instrumentation-express');
    expect(spans.map((s) => s.scope.name)).not.toContain('@opentelemetry/instrumentation-pg');
  });

  it("README's webpack config (webpackExternals): the same spans as unbundled", async () => {
    writeFileSync(path.join(dir, 'webpack.config.js'), readmeSnippet('// webpack.config.js'));
    const config = createRequire(path.join(dir, 'x.js'))('./webpack.config.js') as webpack.Configuration;
    const stats = await new Promise<webpack.Stats | undefined>((resolve, reject) =>
      webpack({ ...config, context: dir }, (error, result) => (error ? reject(error) : resolve(result))),
    );
    expect(stats?.hasErrors(), stats?.toString('errors-only')).toBe(false);
    const out = readFileSync(path.join(dir, 'dist', 'main.js'), 'utf8');
    expect(out).toMatch(/require\("express"\)/);
    expect(out).not.toContain('createApplication');

    const spans = await run([...REQUIRE, path.join(dir, 'dist', 'main.js')], 'bundled-app');
    expectFullTrace(spans);
    expect(shape(spans)).toEqual(shape(unbundled));
  });
});

describe('ES module app with --import @acme/otel/register', () => {
  it('esbuild ESM output with otelPlugin(): the same spans as unbundled', async () => {
    const unbundled = await run([...IMPORT, path.join(dir, 'app.mjs')], 'bundled-app');
    expectFullTrace(unbundled);
    await esbuild('app.mjs', 'out/esbuild-plugin.mjs', [bundler.otelPlugin({ log: false })], 'esm');
    const spans = await run([...IMPORT, path.join(dir, 'out', 'esbuild-plugin.mjs')], 'bundled-app');
    expectFullTrace(spans);
    expect(shape(spans)).toEqual(shape(unbundled));
  });
});

describe('an app that imports @acme/otel itself, bundled with esbuild', () => {
  it('with otelPlugin(): starts and traces express like unbundled', async () => {
    await esbuild('self-app.ts', 'out/self-plugin.cjs', [bundler.otelPlugin({ log: false })]);
    const out = readFileSync(path.join(dir, 'out', 'self-plugin.cjs'), 'utf8');
    expect(out).toContain('require("@acme/otel")');
    const spans = await run([path.join(dir, 'out', 'self-plugin.cjs')], 'bundled-self');
    const server = spans.find((s) => s.kind === 'SERVER');
    expect(server?.name).toBe('GET /orders/:id');
    expect(spans.some((s) => s.scope.name === '@opentelemetry/instrumentation-express')).toBe(true);
    expect(spans.find((s) => s.name === 'load order')?.traceId).toBe(server?.traceId);
    expect(spans.every((s) => s.resource['service.name'] === 'bundled-self')).toBe(true);
  });

  it('plain bundle (our code and the API inside it): starts and traces', async () => {
    // Before issue 21 this crashed at start-up: "Cannot find module '@opentelemetry/api'".
    await esbuild('self-app.ts', 'out/self-plain.cjs', []);
    const out = readFileSync(path.join(dir, 'out', 'self-plain.cjs'), 'utf8');
    expect(out).not.toContain('require("@acme/otel")');
    expect(out).not.toMatch(/require\("@opentelemetry\/api"\)/);
    const spans = await run([path.join(dir, 'out', 'self-plain.cjs')], 'bundled-self');
    const server = spans.find((s) => s.kind === 'SERVER');
    expect(server?.attributes['url.path']).toBe('/orders/7');
    expect(spans.find((s) => s.name === 'load order')?.parentSpanId).toBe(server?.spanId);
  });

  it('plain bundle deployed alone (no node_modules): starts and serves, says tracing is partly off', async () => {
    // The crash of issue 21 ("Cannot find module '@opentelemetry/api'") happened here, at start-up.
    await esbuild('self-app.ts', 'out/self-plain.cjs', []);
    const alone = mkdtempSync(path.join(tmpdir(), 'acme-otel-bundle-alone-'));
    try {
      cpSync(path.join(dir, 'out', 'self-plain.cjs'), path.join(alone, 'main.cjs'));
      const child = spawnNode([path.join(alone, 'main.cjs')], { OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint });
      children.push(child);
      await child.waitForOutput(/listening on \d+/);
      const port = Number(/listening on (\d+)/.exec(child.output())?.[1]);
      expect(await get(port, '/orders/7')).toEqual({ status: 200, body: '{"id":7}' });
      child.proc.kill('SIGTERM');
      expect((await child.exited).code, child.output()).toBe(143);
      expect(
        child.output().match(/\[@acme\/otel\] auto-instrumentation is off: .*\(README, Bundlers\)\n/g),
      ).toHaveLength(1);
      expect(child.output()).not.toMatch(/Cannot find module '@opentelemetry\/api'|\n\s+at /);
      // The OTLP transports are in the bundle (README, Bundlers): its own span went out.
      expect(child.output()).not.toMatch(/failed to export|Cannot find module '@opentelemetry\/otlp/);
      expect(rx.spans().map((s) => s.name)).toEqual(['load order']);
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });
});
