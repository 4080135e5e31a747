// Lazy auto-instrumentation (issue 3). Upstream's register requires every instrumentation package
// at start-up (~776 modules, +155 ms; opentelemetry-js #3029, #3527, contrib #1344); ours loads a
// package when the module it patches is first loaded. Guards: the spans are the same as with eager
// loading, an unused package is never loaded, and the catalogue matches what each package patches.
import { execFileSync } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { resetLogger, setLogSink } from '../../src/diag/log.js';
import { CATALOGUE } from '../../src/instrumentations/catalogue.js';
import { KNOWN_INSTRUMENTATIONS, resolveInstrumentationNames } from '../../src/instrumentations/index.js';
import { packageOf } from '../../src/instrumentations/require-gate.js';
import { createIncomingPathFilter, MAX_IGNORE_PATH_TESTED } from '../../src/instrumentations/settings.js';
import { repoRoot } from '../support/child.js';

// Inside node_modules/ so the bundle's external imports resolve from the repo.
const bundle = `${repoRoot}node_modules/.cache/acme-otel-test/lazy-app.mjs`;

interface AppRun {
  statuses: number[];
  spans: string[];
  loaded: string[];
}

function runApp(mode: 'eager' | 'lazy'): AppRun {
  const out = execFileSync(process.execPath, [bundle], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, MODE: mode },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as AppRun;
}

describe('eager vs lazy loading (http + express + pg + fetch)', () => {
  let eager: AppRun;
  let lazy: AppRun;
  beforeAll(async () => {
    await build({
      entryPoints: [`${repoRoot}test/fixtures/lazy-app.ts`],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
    });
    // One after the other: the machine is shared.
    eager = runApp('eager');
    lazy = runApp('lazy');
  }, 90_000);

  it('produces identical spans', () => {
    expect(lazy.statuses).toEqual([200, 200]);
    expect(lazy.spans.length).toBeGreaterThanOrEqual(12);
    const scopes = new Set(lazy.spans.map((s) => (JSON.parse(s) as { scope: string }).scope));
    for (const name of ['http', 'express', 'pg', 'undici'])
      expect(scopes).toContain(`@opentelemetry/instrumentation-${name}`);
    expect(lazy.spans).toEqual(eager.spans);
  });

  it('loads only the instrumentation packages of modules the app loaded', () => {
    expect(lazy.loaded).toEqual([
      'instrumentation-express',
      'instrumentation-http',
      'instrumentation-pg',
      'instrumentation-undici',
    ]);
    // The same check does see packages when they are loaded.
    expect(eager.loaded).toContain('instrumentation-mongodb');
    expect(lazy.loaded).not.toContain('instrumentation-mongodb');
  });
});

describe('catalogue', () => {
  it('lists the modules each package really patches, and its class', () => {
    const entries = [...CATALOGUE.values()].map((e) => ({
      name: e.name,
      pkg: e.pkg,
      className: e.className,
    }));
    // In a child: constructing an instrumentation installs the global require hook.
    const script = `
      const { createRequire } = require('node:module');
      const r = createRequire(require.resolve('@opentelemetry/auto-instrumentations-node'));
      const out = {};
      for (const { name, pkg, className } of JSON.parse(process.argv[1])) {
        const C = r(pkg)[className];
        out[name] = typeof C === 'function' ? [...new Set(new C({ enabled: false }).getModuleDefinitions().map((d) => d.name))].sort() : 'missing class';
      }
      console.log(JSON.stringify(out));`;
    const actual = JSON.parse(
      execFileSync(process.execPath, ['-e', script, JSON.stringify(entries)], {
        cwd: repoRoot,
        encoding: 'utf8',
      }),
    ) as Record<string, unknown>;
    const expected: Record<string, string[]> = {};
    for (const entry of CATALOGUE.values()) {
      expected[entry.name] = entry.trigger.kind === 'module' ? [...entry.trigger.modules].sort() : [];
    }
    expect(actual).toEqual(expected);
  });

  it('covers every instrumentation auto-instrumentations-node 0.81 offers', () => {
    const script = `
      const main = require.resolve('@opentelemetry/auto-instrumentations-node', { paths: [process.cwd()] });
      const src = require('node:fs').readFileSync(require('node:path').join(require('node:path').dirname(main), 'utils.js'), 'utf8');
      console.log(JSON.stringify([...new Set(src.match(/'@opentelemetry\\/instrumentation-[^']+'(?=:)/g))].map((s) => s.slice(32, -1)).sort()));`;
    const upstream = JSON.parse(
      execFileSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8' }),
    );
    expect([...KNOWN_INSTRUMENTATIONS].sort()).toEqual(upstream);
  });
});

describe('resolveInstrumentationNames', () => {
  const resolve = (input: Parameters<typeof resolveInstrumentationNames>[0]) => {
    const warnings: string[] = [];
    return { names: resolveInstrumentationNames(input, (m) => warnings.push(m)), warnings };
  };

  it('defaults to everything except fs, dns, net, router and the metrics/Lambda-only ones', () => {
    const { names, warnings } = resolve({});
    expect(warnings).toEqual([]);
    // (No fastify: upstream dropped it in favour of @fastify/otel, which is not in 0.81.)
    for (const n of [
      'http',
      'undici',
      'express',
      'koa',
      'hapi',
      'pg',
      'mysql2',
      'mongodb',
      'ioredis',
      'redis',
    ]) {
      expect(names).toContain(n);
    }
    for (const n of ['kafkajs', 'amqplib', 'grpc', 'graphql', 'pino', 'winston', 'bunyan'])
      expect(names).toContain(n);
    for (const n of ['fs', 'dns', 'net', 'host-metrics', 'runtime-node', 'aws-lambda'])
      expect(names).not.toContain(n);
    // express 5 routes through `router`: with both on, every express layer got two spans.
    expect(names).not.toContain('router');
    expect(resolve({ enabledEnv: 'express,router' }).names).toEqual(['express', 'router']);
    expect(resolve({ option: true }).names).toEqual(names);
  });

  it('OTEL_NODE_ENABLED_INSTRUMENTATIONS takes short and upstream names, in any case, and can enable fs', () => {
    const { names } = resolve({ enabledEnv: ' express, @opentelemetry/instrumentation-http,PG ,fs,' });
    expect(names).toEqual(['express', 'fs', 'http', 'pg']);
  });

  it('OTEL_NODE_DISABLED_INSTRUMENTATIONS removes from the enabled set', () => {
    const { names } = resolve({
      enabledEnv: 'http,express,pg',
      disabledEnv: 'pg,@opentelemetry/instrumentation-express',
    });
    expect(names).toEqual(['http']);
    expect(resolve({ disabledEnv: 'http' }).names).not.toContain('http');
  });

  it('warns once per list, naming every unknown instrumentation', () => {
    const { names, warnings } = resolve({ enabledEnv: 'http,expresss,@opentelemetry/instrumentation-nope' });
    expect(names).toEqual(['http']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^OTEL_NODE_ENABLED_INSTRUMENTATIONS="http,expresss,@opentelemetry\/instrumentation-nope" was given, but it names unknown instrumentations "expresss" \(did you mean "express"\?\), "@opentelemetry\/instrumentation-nope" \(known: .*\), using http\.$/,
    );
  });

  // Issue 21: a typo used to enable nothing at all, http included, after saying "ignoring it".
  it('an enabled list that names nothing known keeps the defaults and says so', () => {
    const defaults = resolve({}).names;
    const { names, warnings } = resolve({ enabledEnv: 'expresss' });
    expect(names).toEqual(defaults);
    expect(names).toContain('http');
    expect(warnings).toEqual([
      'OTEL_NODE_ENABLED_INSTRUMENTATIONS="expresss" was given, but it names unknown instrumentation "expresss" ' +
        '(did you mean "express"?), defaulting to the default instrumentations.',
    ]);
    expect(resolve({ enabledEnv: '@opentelemetry/instrumentation-pgg' }).warnings[0]).toMatch(
      /did you mean "pg"\?/,
    );
    expect(resolve({ enabledEnv: 'fetc' }).warnings[0]).toMatch(/did you mean "fetch"\?/);
  });

  it('code wins: false is none, a list is exactly that list (aliases allowed)', () => {
    expect(resolve({ option: false, enabledEnv: 'http' }).names).toEqual([]);
    expect(
      resolve({ option: ['fetch', 'https', 'pg'], enabledEnv: 'express', disabledEnv: 'pg' }).names,
    ).toEqual(['http', 'pg', 'undici']);
    expect(resolve({ option: ['nope'] }).warnings[0]).toMatch(
      /the instrumentations option names unknown instrumentation "nope"/,
    );
  });
});

describe('health-check filter', () => {
  const req = (url: string) => ({ url }) as IncomingMessage;
  it('matches listed paths exactly, ignoring the query and a trailing slash; RegExps test the path', () => {
    const ignore = createIncomingPathFilter(['/health', '/metrics', /^\/internal\//g]);
    expect(ignore(req('/health'))).toBe(true);
    expect(ignore(req('/health/?full=1'))).toBe(true);
    expect(ignore(req('/metrics'))).toBe(true);
    expect(ignore(req('/internal/x'))).toBe(true);
    expect(ignore(req('/internal/x'))).toBe(true); // a /g RegExp keeps no state between calls
    expect(ignore(req('/healthcheck'))).toBe(false);
    expect(ignore(req('/orders?path=/health'))).toBe(false);
  });

  // A RegExp runs on every request's path, which the client chooses (issue 20: no input stalls the
  // service): `/^\/(a+)+$/` on `/` + 30 `a`s and a `!` takes seconds in V8's backtracking engine.
  it('does not apply a RegExp that could backtrack catastrophically, and says so once', () => {
    const lines: string[] = [];
    const previous = setLogSink((_level, line) => lines.push(line));
    try {
      const ignore = createIncomingPathFilter([/^\/(a+)+$/, /^\/internal\//]);
      const started = performance.now();
      expect(ignore(req(`/${'a'.repeat(30)}!`))).toBe(false);
      expect(performance.now() - started).toBeLessThan(100);
      expect(ignore(req('/internal/x'))).toBe(true);
      expect(lines.filter((l) => l.includes('ignoreIncomingPaths entry /^\\/(a+)+$/'))).toHaveLength(1);
      expect(lines[0]).toMatch(/could backtrack catastrophically .*it is NOT applied/);
    } finally {
      setLogSink(previous);
      resetLogger();
    }
  });

  it('tries RegExps on paths of at most MAX_IGNORE_PATH_TESTED characters', () => {
    const ignore = createIncomingPathFilter(['/health', /^\/internal\//]);
    expect(ignore(req(`/internal/${'x'.repeat(MAX_IGNORE_PATH_TESTED - 10)}`))).toBe(true);
    expect(ignore(req(`/internal/${'x'.repeat(MAX_IGNORE_PATH_TESTED)}`))).toBe(false);
  });
});

describe('packageOf', () => {
  it('finds the package a file or file URL belongs to', () => {
    expect(packageOf('/app/node_modules/pg/lib/client.js')).toBe('pg');
    expect(packageOf('file:///app/node_modules/a/node_modules/@redis/client/dist/index.js')).toBe(
      '@redis/client',
    );
    expect(packageOf('/app/src/index.js')).toBeUndefined();
  });
});
