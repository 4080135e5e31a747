// The zero-code entry (issue 3): `node --require @acme/otel/register` and
// `node --import @acme/otel/register`, in real child processes against a real OTLP/gRPC receiver.
// Builds dist/ first unless test/support/global-setup.ts already did.
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Child, repoRoot, spawnNode } from '../support/child.js';
import { setup as buildDist } from '../support/global-setup.js';
import { type OtlpReceiver, type ReceivedSpan, startReceiver } from '../support/otlp-receiver.mjs';

const REQUIRE = ['--require', `${repoRoot}dist/register.cjs`];
const IMPORT = ['--import', `${repoRoot}dist/register-esm.js`];
const CJS_APP = 'test/fixtures/register-app.cjs';
const ESM_APP = 'test/fixtures/register-app.mjs';
const HEALTH_PATHS = ['/health', '/healthz', '/ready', '/readyz', '/livez', '/ping', '/metrics'];

let rx: OtlpReceiver;
const children: Child[] = [];

beforeAll(async () => {
  if (!existsSync(`${repoRoot}dist/register.cjs`) || !existsSync(`${repoRoot}dist/register-esm.js`))
    buildDist();
  rx = await startReceiver({ port: 0 });
}, 120_000);
afterEach(() => {
  for (const child of children.splice(0)) child.proc.kill('SIGKILL');
  rx.clear();
});
afterAll(() => rx?.stop());

/** Start an app; resolves with its port once it listens. */
async function startApp(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ child: Child; port: number }> {
  const child = spawnNode(args, {
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
    OTEL_SERVICE_NAME: 'register-app',
    // Nothing is exported on a timer: every span must come from the SIGTERM flush.
    OTEL_BSP_SCHEDULE_DELAY: '600000',
    ...env,
  });
  children.push(child);
  await child.waitForOutput(/listening on \d+/);
  const port = Number(/listening on (\d+)/.exec(child.output())?.[1]);
  return { child, port };
}

/** GET from this (untraced) process, so every span comes from the child. */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
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

async function sigterm(child: Child): Promise<number | null> {
  child.proc.kill('SIGTERM');
  return (await child.exited).code;
}

/** Server → express → fetch client → server, in one trace, each parented on the one before. */
function expectOrderTrace(spans: ReceivedSpan[]): void {
  const outer = spans.find((s) => s.kind === 'SERVER' && s.attributes['url.path'] === '/orders/1');
  expect(outer, 'server span for GET /orders/1').toBeDefined();
  if (outer === undefined) return;
  expect(outer.name).toBe('GET /orders/:id');
  expect(outer.parentSpanId).toBe('');
  const trace = spans.filter((s) => s.traceId === outer.traceId);
  const ids = new Set(trace.map((s) => s.spanId));
  for (const span of trace) if (span !== outer) expect(ids.has(span.parentSpanId), span.name).toBe(true);

  const express = trace.filter((s) => s.scope.name === '@opentelemetry/instrumentation-express');
  expect(express.length).toBeGreaterThan(0);
  const client = trace.find((s) => s.kind === 'CLIENT');
  expect(client?.scope.name).toBe('@opentelemetry/instrumentation-undici');
  expect(client?.attributes['url.full']).toMatch(/\/inventory\/1$/);
  const inner = trace.find((s) => s.kind === 'SERVER' && s.attributes['url.path'] === '/inventory/1');
  expect(inner?.name).toBe('GET /inventory/:id');
  expect(inner?.parentSpanId).toBe(client?.spanId);
  // The client call happens inside the /orders handler, under the outer server span.
  const ancestry = (span: ReceivedSpan | undefined): string[] => {
    const chain: string[] = [];
    for (let s = span; s !== undefined; s = trace.find((p) => p.spanId === s?.parentSpanId))
      chain.push(s.spanId);
    return chain;
  };
  expect(ancestry(client)).toContain(outer.spanId);
}

describe.each([
  { kind: 'CommonJS', args: [...REQUIRE, CJS_APP] },
  { kind: 'ESM', args: [...IMPORT, ESM_APP] },
])('$kind app with the register flag', ({ args }) => {
  it('exports server, express and fetch spans with correct parentage, none for health checks; SIGTERM flushes and exits 143', async () => {
    const { child, port } = await startApp(args);
    for (const path of HEALTH_PATHS) expect((await get(port, path)).status).toBe(200);
    const res = await get(port, '/orders/1');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ id: '1', stock: { id: '1', count: 3 } });
    expect(rx.spans()).toHaveLength(0);

    expect(await sigterm(child)).toBe(143);
    const spans = rx.spans();
    expectOrderTrace(spans);
    const paths = spans.map((s) => String(s.attributes['url.path'] ?? s.attributes['http.route'] ?? ''));
    for (const path of HEALTH_PATHS) expect(paths).not.toContain(path);
    expect(spans.every((s) => s.resource['service.name'] === 'register-app')).toBe(true);
    // One startup summary line, at info level.
    expect(child.output().match(/\[@acme\/otel\] tracing /g)).toHaveLength(1);
  });

  it('loads only the instrumentations the app uses', async () => {
    const { port } = await startApp(args);
    await get(port, '/orders/1');
    const loaded = JSON.parse((await get(port, '/loaded')).body) as string[];
    expect(loaded).toEqual(
      expect.arrayContaining(['instrumentation-express', 'instrumentation-http', 'instrumentation-undici']),
    );
    for (const unused of ['instrumentation-mongodb', 'instrumentation-pg', 'instrumentation-ioredis']) {
      expect(loaded).not.toContain(unused);
    }
  });

  it('loads one copy of each @opentelemetry package, the exporter included', async () => {
    // instrumentation-http pins @opentelemetry/core exactly; with our dependencies on another
    // patch release, a service loaded two copies of core (~15–20 ms of start-up, README).
    const { port } = await startApp(args, { OTEL_BSP_SCHEDULE_DELAY: '20' });
    await get(port, '/orders/1');
    await rx.waitForSpans(3);
    expect(JSON.parse((await get(port, '/copies')).body)).toEqual({});
  });

  it('loads the instrumentations, their framework and the API from the build: of node_modules, one file (the API’s, stood in for)', async () => {
    // ~90 files of @opentelemetry/instrumentation*, core and semantic-conventions were ~30 ms of a
    // service's start-up (tsup.config.ts, INSTRUMENTATION_ENTRIES), the API's 47 files ~22 ms
    // (src/api/select.cts).
    const { port } = await startApp(args, { OTEL_BSP_SCHEDULE_DELAY: '20' });
    await get(port, '/orders/1');
    await rx.waitForSpans(3);
    expect(JSON.parse((await get(port, '/otel-packages')).body)).toEqual({ '@opentelemetry/api': 1 });
    expect(rx.spans().map((span) => span.name)).toContain('GET /orders/:id');
  });
});

describe('guards', () => {
  it('OTEL_SDK_DISABLED=true: the register is a no-op (nothing patched, nothing exported)', async () => {
    const { child, port } = await startApp([...REQUIRE, CJS_APP], { OTEL_SDK_DISABLED: 'true' });
    expect((await get(port, '/orders/1')).status).toBe(200);
    expect(JSON.parse((await get(port, '/loaded')).body)).toEqual([]);
    child.proc.kill('SIGTERM');
    // No signal handler was installed: Node's default action kills the process.
    expect((await child.exited).signal).toBe('SIGTERM');
    expect(rx.requestCount).toBe(0);
  });

  it('a broken endpoint leaves the app serving requests', async () => {
    const { child, port } = await startApp([...REQUIRE, CJS_APP], {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url',
      ACME_OTEL_SHUTDOWN_TIMEOUT: '1000',
    });
    const res = await get(port, '/orders/1');
    expect(res.status).toBe(200);
    expect(child.output()).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(await sigterm(child)).toBe(143);
  });

  it('an init failure is logged with its reason and the app runs untraced', async () => {
    // A preload that makes the first thing the register does throw.
    const { child, port } = await startApp([
      '--require',
      './test/fixtures/register-sabotage.cjs',
      ...REQUIRE,
      CJS_APP,
    ]);
    expect((await get(port, '/orders/1')).status).toBe(200);
    expect(child.output()).toMatch(
      /\[@acme\/otel\] --require @acme\/otel\/register could not start tracing: sabotaged/,
    );
    expect(JSON.parse((await get(port, '/loaded')).body)).toEqual([]);
  });

  it('unknown names in OTEL_NODE_ENABLED_INSTRUMENTATIONS produce a warning naming them', async () => {
    const { child, port } = await startApp([...REQUIRE, CJS_APP], {
      OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,express,expresss,@opentelemetry/instrumentation-nope',
    });
    expect(child.output()).toMatch(
      /unknown instrumentations "expresss" \(did you mean "express"\?\), "@opentelemetry\/instrumentation-nope"/,
    );
    await get(port, '/orders/1');
    // Only what was asked for: http and express, not undici (fetch) nor router.
    expect(JSON.parse((await get(port, '/loaded')).body)).toEqual([
      'instrumentation-express',
      'instrumentation-http',
    ]);
    expect(await sigterm(child)).toBe(143);
    expect(rx.spans().some((s) => s.name === 'GET /orders/:id')).toBe(true);
  });

  it('--require and --import together initialise once, and ESM imports are still instrumented', async () => {
    const { child, port } = await startApp([...REQUIRE, ...IMPORT, ESM_APP]);
    await get(port, '/orders/1');
    expect(await sigterm(child)).toBe(143);
    expect(child.output().match(/\[@acme\/otel\] tracing /g)).toHaveLength(1);
    expect(child.output()).not.toMatch(/already initialised/);
    const spans = rx.spans();
    expectOrderTrace(spans);
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(spans.length);
    expect(spans.filter((s) => s.name === 'GET /orders/:id')).toHaveLength(1);
  });

  it('ESM imports are hooked in-thread where Node can (module.registerHooks), else on the loader thread', async () => {
    // import-in-the-middle's predicate decides which Node runs its loader in-thread; on each Node
    // CI runs (20: loader thread, 22 and 24: in-thread) the mode it names must be the one that ran.
    const iitm = (await import(
      createRequire(createRequire(import.meta.url).resolve('@opentelemetry/instrumentation')).resolve(
        'import-in-the-middle/supports-sync-hooks.mjs',
      )
    )) as { supportsSyncHooks(): boolean };
    const { child, port } = await startApp([...IMPORT, ESM_APP], { OTEL_LOG_LEVEL: 'debug' });
    await get(port, '/orders/1');
    expect(await sigterm(child)).toBe(143);
    expectOrderTrace(rx.spans());
    const inThread = /ESM imports hooked in-thread \(module\.registerHooks\)/;
    const loaderThread = /ESM imports hooked on the loader thread \(module\.register\)/;
    expect(child.output()).toMatch(iitm.supportsSyncHooks() ? inThread : loaderThread);
    expect(child.output()).not.toMatch(iitm.supportsSyncHooks() ? loaderThread : inThread);
  });

  it('ESM imports are hooked on the loader thread where require(esm) is turned off (--no-experimental-require-module)', async () => {
    // The in-thread loader is require()d: with require(esm) off, Node 22+ refused it and ESM
    // imports went untraced with an error line.
    const { child, port } = await startApp(['--no-experimental-require-module', ...IMPORT, ESM_APP], {
      OTEL_LOG_LEVEL: 'debug',
    });
    await get(port, '/orders/1');
    expect(await sigterm(child)).toBe(143);
    expectOrderTrace(rx.spans());
    expect(child.output()).toMatch(/ESM imports hooked on the loader thread \(module\.register\)/);
    expect(child.output()).not.toMatch(/could not install the ESM loader hook/);
  });

  it('start-up loads no heavy built-in the app does not use (crypto, zlib, http2, tls, worker_threads, perf_hooks, fs.promises) and starts no thread pool', async () => {
    // node:crypto alone is 16 internal modules (3–6 ms); service.instance.id does not need it.
    // worker_threads (~2 ms with the streams it loads; on Node 22+ also what a copy of every
    // property of node:util loads) and the ESM translators (an `import()` starts them, ~3 ms) come
    // with --import's loader thread anyway, but not with --require. Compared with what the same
    // app loads without a preload (Node 24 runs the CommonJS main through the ESM translators).
    // perf_hooks (~2.2 ms on Node 20) is the spans' clock, read at the first span; fs.promises
    // (~2.6 ms) and libuv's thread pool (~1.6 ms) came with upstream's async host.id and
    // container.id reads, now synchronous (src/sdk/sync-detectors.ts; docs/performance.md).
    const startup = async (flag: string[]) => {
      const child = spawnNode([...flag, 'test/fixtures/startup-modules.cjs'], {
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
        OTEL_LOG_LEVEL: 'warn',
      });
      children.push(child);
      await child.exited;
      const line = child
        .output()
        .split('\n')
        .find((l) => l.startsWith('{"loaded"'));
      return JSON.parse(line ?? '{}') as { loaded: string[]; atExit: string[]; threads: number | null };
    };
    const bare = await startup([]);
    expect(bare.atExit).not.toContain('perf_hooks');
    // This app loads nothing we instrument, so neither entry ever starts tracing in it
    // (test/integration/register-deferred.test.ts): not even node:crypto, which the exporter loads
    // at start-up on Node 24+ (src/export/exporter.ts, CRYPTO_AT_STARTUP; issue #20) once tracing
    // starts (checked there).
    const inherent: Record<'require' | 'import', string[]> = {
      require: [],
      // import-in-the-middle's loader hook takes worker_threads' MessageChannel, and Node's ESM
      // loader reads files through fs.promises.
      import: ['worker_threads', 'internal/modules/esm/translators', 'internal/fs/promises'],
    };
    for (const [name, flag] of [
      ['require', REQUIRE],
      ['import', IMPORT],
    ] as const) {
      const traced = await startup(flag);
      const extra = traced.loaded.filter((m) => !bare.loaded.includes(m) && !inherent[name].includes(m));
      expect({ flag: name, extra }).toEqual({ flag: name, extra: [] });
    }
    // Until exit too.
    const traced = await startup(REQUIRE);
    expect({ atExit: traced.atExit, threads: traced.threads }).toEqual({
      atExit: bare.atExit,
      threads: bare.threads,
    });
  });

  it('skips worker threads unless ACME_OTEL_WORKER_THREADS=true', async () => {
    const run = async (env: Record<string, string>) => {
      const child = spawnNode([...REQUIRE, 'test/fixtures/register-worker.cjs'], {
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
        ...env,
      });
      children.push(child);
      await child.exited;
      return child.output();
    };
    expect(await run({})).toMatch(/worker traced: false/);
    expect(await run({ ACME_OTEL_WORKER_THREADS: 'true' })).toMatch(/worker traced: true/);
  });
});
