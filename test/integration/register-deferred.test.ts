// `--require @acme/otel/register` starts tracing when the application first needs it (issue 23,
// start-up): a process that never does loads neither the OpenTelemetry API nor the SDK nor our
// pipeline, and every way an application can make or continue a span starts it first, so no span is
// lost to the deferral. Real child processes against a real OTLP/gRPC receiver; each trigger is
// checked by the span it exports.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Child, repoRoot, spawnNode } from '../support/child.js';
import { setup as buildDist } from '../support/global-setup.js';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';

const REQUIRE = ['--require', `${repoRoot}dist/register.cjs`];
const IMPORT = ['--import', `${repoRoot}dist/register-esm.js`];
const INDEX = JSON.stringify(`${repoRoot}dist/index.cjs`);

let rx: OtlpReceiver;
let target: Server;
let targetPort: number;
let copyDir: string;
const children: Child[] = [];

beforeAll(async () => {
  if (!existsSync(`${repoRoot}dist/register.cjs`) || !existsSync(`${repoRoot}dist/register-start.cjs`))
    buildDist();
  rx = await startReceiver({ port: 0 });
  // An untraced server for the children's outgoing calls.
  target = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetPort = (target.address() as { port: number }).port;
  // A second copy of the API, as an application that bundled its own would have.
  copyDir = mkdtempSync(join(tmpdir(), 'acme-api-copy-'));
  cpSync(`${repoRoot}node_modules/@opentelemetry/api`, join(copyDir, 'api'), { recursive: true });
  // A file, not `-e`: `-e` loads node:crypto itself.
  writeFileSync(
    join(copyDir, 'crypto-probe.cjs'),
    "require('node:http'); console.log('CRYPTO ' + process.moduleLoadList.includes('NativeModule crypto'));",
  );
}, 120_000);
afterEach(() => {
  for (const child of children.splice(0)) child.proc.kill('SIGKILL');
  rx.clear();
});
afterAll(async () => {
  await rx?.stop();
  target?.close();
  if (copyDir) rmSync(copyDir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}, flag = REQUIRE): Child {
  const child = spawnNode([...flag, ...args], {
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
    OTEL_SERVICE_NAME: 'deferred-app',
    ...env,
  });
  children.push(child);
  return child;
}

async function finished(child: Child): Promise<string> {
  const { code } = await child.exited;
  expect(code, child.output()).toBe(0);
  return child.output();
}

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Every package a built file reaches through static imports and requires, following our own
 * chunks: what loading it loads before any of its code runs. (An ES module's imports are not in
 * require.cache, so the child-process check below cannot see them.)
 */
function reachedPackages(entry: string): string[] {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const todo = [`${repoRoot}dist/${entry}`];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const specifiers = [
      ...source.matchAll(/^import (?:[^'"\n]* from )?['"]([^'"\n]+)['"];?$/gm),
      ...source.matchAll(/\b(?:__)?require\(['"]([^'"\n]+)['"]\)/g),
    ].map((m) => m[1] as string);
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) todo.push(resolve(dirname(file), specifier));
      else packages.add(specifier.replace(/^node:/, ''));
    }
  }
  return [...packages].sort();
}

describe('register, before the application needs tracing', () => {
  it('neither entry reaches the API, the SDK or the start by static imports, in either build', () => {
    // The walk itself works: the package's main entry does reach the API.
    expect(reachedPackages('index.cjs')).toContain('@opentelemetry/api');
    expect(reachedPackages('index.js')).toContain('@opentelemetry/api');
    for (const entry of ['register.cjs', 'register-esm.js', 'register-esm.cjs']) {
      const bare = reachedPackages(entry).filter((name) => !isBuiltin(name));
      expect({ entry, bare }).toEqual({ entry, bare: [] });
      const source = readFileSync(`${repoRoot}dist/${entry}`, 'utf8');
      expect(source).not.toMatch(/['"]\.\/register-start\./);
    }
  });

  it.each([
    ['--require', REQUIRE],
    ['--import', IMPORT],
  ])(
    '%s: nothing starts (no OpenTelemetry module in require.cache, no exporter built-in, no handle) and nothing is said',
    async (name, flag) => {
      const child = run(
        [
          '-e',
          `const loaded = Object.keys(require.cache).filter((f) => /opentelemetry|register-start|[\\\\/]index\\.cjs$/.test(f));
       const builtins = process.moduleLoadList.filter((m) => /NativeModule (http2|tls|worker_threads|perf_hooks)$/.test(m));
       console.log('LOADED ' + JSON.stringify({ loaded, builtins, handle: globalThis[Symbol.for('@acme/otel/handle')] !== undefined }));`,
        ],
        {},
        flag,
      );
      const output = await finished(child);
      // --import's loader hook (import-in-the-middle) needs worker_threads' MessageChannel.
      const inherent = name === '--import' ? ['NativeModule worker_threads'] : [];
      const found = JSON.parse(/LOADED (.*)/.exec(output)?.[1] ?? '{}');
      expect({ ...found, builtins: found.builtins?.filter((m: string) => !inherent.includes(m)) }).toEqual({
        loaded: [],
        builtins: [],
        handle: false,
      });
      expect(output).not.toContain('[@acme/otel] tracing');
    },
  );

  it('starts at once when an enabled instrumentation loads at start-up (aws-lambda, runtime-node, host-metrics), and for OTEL_SDK_DISABLED', async () => {
    const probe = "console.log('HANDLE ' + (globalThis[Symbol.for('@acme/otel/handle')] !== undefined))";
    for (const name of ['aws-lambda', 'runtime-node', 'host-metrics']) {
      const eager = run(['-e', probe], { OTEL_NODE_ENABLED_INSTRUMENTATIONS: `http,${name}` });
      expect(await finished(eager), name).toContain('HANDLE true');
    }
    const disabled = run(['-e', probe], { OTEL_SDK_DISABLED: 'true' });
    const output = await finished(disabled);
    expect(output).toContain('HANDLE true');
    expect(output).toContain('tracing is disabled');
  });

  it('still reads and checks the configuration at start-up, naming what is wrong', async () => {
    const child = run(['-e', 'console.log("APP RAN")'], { OTEL_TRACES_SAMPLER: 'sometimes' });
    const output = await finished(child);
    expect(output).toMatch(/OTEL_TRACES_SAMPLER.*sometimes/);
    expect(output.indexOf('OTEL_TRACES_SAMPLER')).toBeLessThan(output.indexOf('APP RAN'));
  });
});

describe('--require register starts tracing at the first of', () => {
  it('a require() of a module we instrument: the app is traced as if tracing had started with it', async () => {
    const child = run([
      '-e',
      `const http = require('node:http');
       http.get('http://127.0.0.1:${targetPort}/first', (res) => { res.resume(); res.on('end', () => console.log('DONE')); });`,
    ]);
    const output = await finished(child);
    expect(output).toContain('DONE');
    const spans = await rx.waitForSpans((s) => s.kind === 'CLIENT' && s.attributes['url.full'] !== undefined);
    expect(spans[0]?.attributes['url.full']).toBe(`http://127.0.0.1:${targetPort}/first`);
  });

  it('a built-in we instrument taken with process.getBuiltinModule()', async () => {
    const child = run([
      '-e',
      `if (typeof process.getBuiltinModule !== 'function') { console.log('HANDLE true'); process.exit(0); }
       process.getBuiltinModule('node:http');
       console.log('HANDLE ' + (globalThis[Symbol.for('@acme/otel/handle')] !== undefined));`,
    ]);
    expect(await finished(child)).toContain('HANDLE true');
  });

  it('any use of the OpenTelemetry API, from a copy of it the require hook never sees', async () => {
    const api = JSON.stringify(join(copyDir, 'api'));
    const child = run([
      '-e',
      `const { trace } = require(${api});
       const span = trace.getTracer('bundled').startSpan('from-a-second-copy');
       console.log('RECORDING ' + span.isRecording());
       span.end();`,
    ]);
    const output = await finished(child);
    expect(output).toContain('RECORDING true');
    const [span] = await rx.waitForSpans((s) => s.name === 'from-a-second-copy');
    expect(span?.scope.name).toBe('bundled');
  });

  it('the first request of a server imported as an ES module (no require() at all): that request is traced', async () => {
    for (const fastPath of ['true', 'false']) {
      const child = run(
        [
          '--input-type=module',
          '-e',
          `import http from 'node:http';
           const server = http.createServer((req, res) => res.end('hi'));
           server.listen(0, '127.0.0.1', () => console.log('listening on ' + server.address().port));`,
        ],
        { ACME_OTEL_HTTP_FAST_PATH: fastPath },
      );
      await child.waitForOutput(/listening on \d+/);
      const port = Number(/listening on (\d+)/.exec(child.output())?.[1]);
      expect(await get(port, '/very-first')).toBe(200);
      expect(await get(port, '/second')).toBe(200);
      child.proc.kill('SIGTERM');
      await child.exited;
      const spans = rx.spans().filter((s) => s.kind === 'SERVER');
      expect(
        spans.map((s) => s.attributes['url.path']),
        `fast path ${fastPath}: ${child.output()}`,
      ).toEqual(['/very-first', '/second']);
      rx.clear();
    }
  });

  it('with --import, the first ES import of a module we instrument, named exports patched too', async () => {
    const child = run(
      [
        '--input-type=module',
        '-e',
        `import { get } from 'node:http';
         get('http://127.0.0.1:${targetPort}/named-import', (res) => { res.resume(); res.on('end', () => console.log('DONE')); });`,
      ],
      {},
      IMPORT,
    );
    const output = await finished(child);
    expect(output).toContain('DONE');
    const [span] = await rx.waitForSpans((s) => s.kind === 'CLIENT');
    expect(span?.attributes['url.full']).toBe(`http://127.0.0.1:${targetPort}/named-import`);
  });

  it("fetch() (undici's channel, no require() at all): that very call is traced", async () => {
    const child = run([
      '-e',
      `fetch('http://127.0.0.1:${targetPort}/fetched').then((r) => r.text()).then(() => console.log('DONE'));`,
    ]);
    const output = await finished(child);
    expect(output).toContain('DONE');
    const [span] = await rx.waitForSpans((s) => s.kind === 'CLIENT');
    expect(span?.attributes['url.full']).toBe(`http://127.0.0.1:${targetPort}/fetched`);
  });

  it.each([
    ['--require', REQUIRE],
    ['--import', IMPORT],
  ])(
    '%s: on Node 24+, node:crypto (5–12 ms to load) is loaded when tracing starts, not among the first messages',
    async (_name, flag) => {
      const child = run([join(copyDir, 'crypto-probe.cjs')], {}, flag);
      const atStart = Number(process.versions.node.split('.')[0]) >= 24;
      expect(await finished(child)).toContain(`CRYPTO ${atStart}`);
    },
  );

  it('a require() of worker_threads (worker threads hand their spans to this thread)', async () => {
    const child = run([
      '-e',
      `require('node:worker_threads');
       console.log('HANDLE ' + (globalThis[Symbol.for('@acme/otel/handle')] !== undefined));`,
    ]);
    expect(await finished(child)).toContain('HANDLE true');
  });

  it("a call of @acme/otel's getTracingHandle() or initTracing(): the register's setup, as without the deferral", async () => {
    const child = run([
      '-e',
      `const acme = require(${INDEX});
       const handle = acme.getTracingHandle();
       console.log('HANDLE ' + (handle !== undefined) + ' ' + handle.config.serviceName);
       console.log('SAME ' + (acme.initTracing({ serviceName: 'other' }) === handle));`,
    ]);
    const output = await finished(child);
    expect(output).toContain('HANDLE true deferred-app');
    expect(output).toContain('SAME true');
    expect(output).toContain('tracing is already initialised');
  });
});
