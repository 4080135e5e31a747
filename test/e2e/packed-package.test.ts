// SLOW INTEGRATION TEST (about 1–2 minutes): what a user gets from the package (issue 21, where
// `npm pack` of a fresh clone gave a tarball without dist/). It clones the repository's committed
// HEAD into a temporary folder (uncommitted changes are not in it), runs `npm ci` and `npm pack`
// there, installs the tarball into a scratch app outside the repository from the local npm cache
// (`--prefer-offline`: the registry is asked only for what the cache lacks), and runs that app:
// CommonJS with `--require @acme/otel/register`, ESM with `--import @acme/otel/register`, both
// exporting to a real OTLP/gRPC receiver, and TypeScript type-checked with the `nodenext`,
// `bundler` and `node10` module resolutions. Then it copies an example service out of the
// repository and runs the example's own tests there, as a team starting from the template would.
import { execFile, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/instrumentations/catalogue.js';
import { CLOUD_DETECTOR_PACKAGES } from '../../src/sdk/resource.js';
import { repoRoot } from '../support/child.js';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';

const fixtures = join(repoRoot, 'test', 'fixtures', 'packed-app');
let work: string;
let clone: string;
let tarball: string;
let app: string;
let rx: OtlpReceiver;

/** A user's shell: none of our test run's OTEL_*, NODE_OPTIONS, NODE_ENV (vitest's), npm_* or VITEST* variables. */
function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(OTEL_|ACME_OTEL_|npm_|VITEST)/i.test(k)) continue;
    if (k === 'NODE_OPTIONS' || k === 'NODE_ENV' || k === 'INIT_CWD') continue;
    env[k] = v;
  }
  return { ...env, NPM_CONFIG_UPDATE_NOTIFIER: 'false', OTEL_NODE_RESOURCE_DETECTORS: 'none', ...extra };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end without blocking the event loop (the receiver lives in this process). */
function run(cmd: string, args: string[], cwd: string, env = userEnv(), timeout = 180_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, timeout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr: error && code === 1 && !stderr ? String(error) : stderr });
    });
  });
}

async function ok(cmd: string, args: string[], cwd: string): Promise<string> {
  const started = Date.now();
  const result = await run(cmd, args, cwd);
  // Where the minute goes, in the CI log.
  console.log(`packed-package: ${cmd} ${args[0]} took ${Date.now() - started} ms`);
  if (result.code !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} (in ${cwd}) exited ${result.code}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

function versionIn(dir: string, name: string): string {
  return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
}

beforeAll(async () => {
  rx = await startReceiver({ port: 0 });
  work = mkdtempSync(join(tmpdir(), 'acme-otel-packed-'));
  clone = join(work, 'clone');
  await ok('git', ['clone', '--quiet', repoRoot, clone], work);
  await ok('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], clone);
  // `prepare` built dist/ during `npm ci`; remove it so the tarball proves that `npm pack` builds.
  expect(existsSync(join(clone, 'dist', 'index.js'))).toBe(true);
  rmSync(join(clone, 'dist'), { recursive: true, force: true });
  await ok('npm', ['pack', '--pack-destination', work], clone);
  // Found on disk rather than parsed from npm's output, which the `prepare` step may add to.
  tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')) ?? 'no tarball was written');

  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    `${JSON.stringify({ name: 'scratch-app', private: true }, null, 2)}\n`,
  );
  for (const file of [
    'app.cjs',
    'app.mjs',
    'types.ts',
    'tsconfig.nodenext.json',
    'tsconfig.bundler.json',
    'tsconfig.node10.json',
  ])
    cpSync(join(fixtures, file), join(app, file));
  // The same checks once more as an ES module (`import` conditions under nodenext).
  cpSync(join(fixtures, 'types.ts'), join(app, 'types.mts'));
  await ok(
    'npm',
    [
      'install',
      tarball,
      `@opentelemetry/api@${versionIn(clone, '@opentelemetry/api')}`,
      `@types/node@${versionIn(clone, '@types/node')}`,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
    ],
    app,
  );
}, 300_000);

afterAll(async () => {
  await rx?.stop();
  // Two node_modules trees: slow to delete on a loaded machine.
  if (work) await rm(work, { recursive: true, force: true });
}, 120_000);

describe('[slow] the packed tarball', () => {
  it('holds the built entry points, their types and source maps, and nothing from src/ or test/', () => {
    const packed = JSON.parse(
      readFileSync(join(app, 'node_modules', '@acme', 'otel', 'package.json'), 'utf8'),
    );
    expect(packed.name).toBe('@acme/otel');
    const dir = join(app, 'node_modules', '@acme', 'otel');
    for (const file of [
      'dist/index.js',
      'dist/index.cjs',
      'dist/index.d.ts',
      'dist/index.d.cts',
      'dist/register.cjs',
      'dist/register-esm.js',
      'dist/testing.js',
      'dist/testing.cjs',
      'dist/testing.d.cts',
      'README.md',
      'CHANGELOG.md',
    ])
      expect(existsSync(join(dir, file)), file).toBe(true);
    expect(existsSync(join(dir, 'src'))).toBe(false);
    expect(existsSync(join(dir, 'test'))).toBe(false);
  });
});

describe('[slow] what a user installs', () => {
  it('every instrumentation package of the catalogue, as our own dependency', () => {
    for (const { pkg } of CATALOGUE.values())
      expect(existsSync(join(app, 'node_modules', pkg, 'package.json')), pkg).toBe(true);
  });

  it('none of what the auto-instrumentations meta-package adds and we never load (issue 21)', () => {
    for (const pkg of [
      '@opentelemetry/auto-instrumentations-node',
      '@opentelemetry/sdk-node',
      '@opentelemetry/exporter-prometheus',
      '@opentelemetry/exporter-zipkin',
      '@opentelemetry/exporter-metrics-otlp-http',
      '@opentelemetry/exporter-logs-otlp-grpc',
    ])
      expect(existsSync(join(app, 'node_modules', pkg)), pkg).toBe(false);
  });

  it('no cloud resource detector unless asked: they are optional peers (issue 21)', () => {
    for (const { pkg } of Object.values(CLOUD_DETECTOR_PACKAGES))
      expect(existsSync(join(app, 'node_modules', pkg)), pkg).toBe(false);
    // What the gcp detector alone used to bring (~12 MB).
    for (const pkg of ['gcp-metadata', 'gaxios', 'web-streams-polyfill', 'google-logging-utils'])
      expect(existsSync(join(app, 'node_modules', pkg)), pkg).toBe(false);
    // Still resolvable from @acme/otel when a service installs one next to it.
    const packed = JSON.parse(
      readFileSync(join(app, 'node_modules', '@acme', 'otel', 'package.json'), 'utf8'),
    );
    for (const { pkg } of Object.values(CLOUD_DETECTOR_PACKAGES)) {
      expect(packed.peerDependencies[pkg], pkg).toBeDefined();
      expect(packed.peerDependenciesMeta[pkg], pkg).toEqual({ optional: true });
    }
    expect(packed.optionalDependencies).toBeUndefined();
  });
});

describe('[slow] a scratch app that installed the tarball', () => {
  it.each([
    ['CommonJS', '--require', 'app.cjs', 'packed-cjs'],
    ['ESM', '--import', 'app.mjs', 'packed-esm'],
  ])('%s: node %s @acme/otel/register exports its spans to the receiver', async (_kind, flag, file, name) => {
    rx.clear();
    const result = await run(
      process.execPath,
      [flag, '@acme/otel/register', file],
      app,
      userEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint, OTEL_SERVICE_NAME: 'scratch-app' }),
      30_000,
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('done');
    expect(result.stderr).toMatch(/^\[@acme\/otel\] tracing scratch-app → otlp\/grpc/m);
    const spans = await rx.waitForSpans(3, { timeoutMs: 10_000 });
    const manual = spans.find((s) => s.name === name);
    expect(manual, JSON.stringify(spans.map((s) => s.name))).toBeDefined();
    // The HTTP client span is a child of the manual span, the server span a child of the client.
    const client = spans.find((s) => s.kind === 'CLIENT' && s.parentSpanId === manual!.spanId);
    const server = spans.find((s) => s.kind === 'SERVER' && s.parentSpanId === client?.spanId);
    expect(client?.attributes['http.request.method'] ?? client?.attributes['http.method']).toBe('GET');
    expect(server?.traceId).toBe(manual!.traceId);
    expect(spans.every((s) => s.resource['service.name'] === 'scratch-app')).toBe(true);
  });

  it.each([
    ['gcp', 'env,host,gcp', ['gcp']],
    ['all', 'all', ['aws', 'gcp', 'azure', 'alibaba']],
  ] as const)(
    'OTEL_NODE_RESOURCE_DETECTORS listing %s without its package: one line saying what to install, and tracing still works',
    async (_label, detectors, missing) => {
      rx.clear();
      const result = await run(
        process.execPath,
        ['--require', '@acme/otel/register', 'app.cjs'],
        app,
        userEnv({
          OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
          OTEL_SERVICE_NAME: 'scratch-app',
          OTEL_NODE_RESOURCE_DETECTORS: detectors,
        }),
        30_000,
      );
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      const install = missing.map(
        (n) => `${CLOUD_DETECTOR_PACKAGES[n].pkg}@${CLOUD_DETECTOR_PACKAGES[n].version}`,
      );
      const lines = result.stderr.split('\n').filter((l) => l.includes('not installed'));
      expect(lines, result.stderr).toEqual([
        expect.stringMatching(/^\[@acme\/otel\] resource detectors? [a-z, ]+ (is|are) listed but/),
      ]);
      expect(lines[0]!.endsWith(`npm install ${install.join(' ')}`), lines[0]).toBe(true);
      // No other line about the detectors (no stack, no second wording).
      expect(result.stderr).not.toMatch(/could not be loaded|Cannot find module|MODULE_NOT_FOUND/);
      expect(result.stderr).toMatch(/^\[@acme\/otel\] tracing scratch-app → otlp\/grpc/m);
      const spans = await rx.waitForSpans((s) => s.name === 'packed-cjs', { timeoutMs: 10_000 });
      // The detectors that are there still ran.
      expect(spans[0]!.resource['host.name']).toBeDefined();
    },
  );

  it.each(['nodenext', 'bundler', 'node10'])(
    'TypeScript with moduleResolution %s resolves ., ./register and ./testing with their types',
    async (resolution) => {
      const tsc = join(clone, 'node_modules', 'typescript', 'bin', 'tsc');
      const result = await run(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], app);
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    },
  );
});

describe('[slow] an example service copied out of the repository', () => {
  let service: string;
  beforeAll(async () => {
    // Taken from the clone (the committed template), installed as its README says.
    service = join(work, 'my-service');
    cpSync(join(clone, 'examples', 'order-service'), service, { recursive: true });
    expect(existsSync(join(service, 'node_modules'))).toBe(false);
    await ok('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], service);
  }, 180_000);

  it('order-service: `npm install <tarball>` records it and installs every dependency of package.json', () => {
    const pkg = JSON.parse(readFileSync(join(service, 'package.json'), 'utf8'));
    expect(pkg.dependencies['@acme/otel']).toMatch(/^file:.*acme-otel-0\.1\.0\.tgz$/);
    for (const name of Object.keys(pkg.dependencies))
      expect(existsSync(join(service, 'node_modules', name, 'package.json')), name).toBe(true);
  });

  it('order-service: its own `npm test` passes in the copy', async () => {
    const result = await run('npm', ['test'], service, userEnv(), 120_000);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    // node --test prints `# pass N` (tap, Node 20 without a TTY) or `ℹ pass N` (spec).
    expect(result.stdout).toMatch(/^(#|ℹ) pass [1-9]\d*$/m);
    expect(result.stdout).toMatch(/^(#|ℹ) fail 0$/m);
  });

  it('order-service: `npm start` serves and traces an order, and SIGTERM flushes', async () => {
    rx.clear();
    const child = spawn('npm', ['start'], {
      cwd: service,
      // Its own process group: SIGTERM reaches npm's child (the service) too.
      detached: true,
      env: userEnv({
        PORT: '0',
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
        // Neighbours that refuse connections: the order fails with 502 and a traced exception.
        USER_SERVICE_URL: 'http://127.0.0.1:9',
        PAYMENT_SERVICE_URL: 'http://127.0.0.1:9',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | string | null>((resolve) =>
      child.once('exit', (code, signal) => resolve(code ?? signal)),
    );
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start printed no address:\n${output}`)), 30_000);
      const onData = (d: Buffer) => {
        output += d.toString();
        const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    const response = await fetch(`${url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'user-1', items: [{ sku: 'SKU-BOOK', quantity: 1 }] }),
    });
    expect(response.status).toBe(502);
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    const spans = await rx.waitForSpans((s) => s.name === 'create_order', { timeoutMs: 10_000 });
    expect(spans[0]!.resource['service.name']).toBe('order-service');
    expect(spans[0]!.status.code).toBe('ERROR');
  });
});
