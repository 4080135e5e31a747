// Start-up cost of each entry point: wall time of `node [--require entry] empty-app.cjs` (and of
// service-app.cjs, which loads node:http, express and pg as a typical service does, and of
// listen-app.cjs, the same service then listening once: where @acme/otel runs the work it keeps
// out of traffic), from spawn to exit, runs of all variants alternating so drift hits them alike.
// Not pinned: start-up uses V8's helper threads, and users don't pin either.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tracingEnv } from '../lib/configs.mjs';
import { distFile, FIXTURES, ROOT, resolveFromRoot } from '../lib/paths.mjs';
import { run } from '../lib/proc.mjs';
import { summarize } from '../lib/stats.mjs';

const APPS = [
  { suffix: '', file: 'empty-app.cjs' },
  { suffix: '-service', file: 'service-app.cjs' },
  { suffix: '-listen', file: 'listen-app.cjs' },
];

function variants() {
  return APPS.flatMap((app) =>
    entries().map((v) => ({
      ...v,
      id: v.id + app.suffix,
      label: v.label.replace('empty-app.cjs', app.file),
      app: app.file,
      bare: `node${app.suffix}`,
    })),
  );
}

function entries() {
  const upstream = resolveFromRoot('@opentelemetry/auto-instrumentations-node/register');
  const acme = distFile('register.cjs');
  const acmeEsm = distFile('register-esm.js');
  return [
    { id: 'node', label: 'node empty-app.cjs', preload: null, missing: null },
    {
      id: 'upstream-register',
      label: 'node --require auto-instrumentations-node/register empty-app.cjs',
      preload: upstream,
      missing: upstream ? null : 'not installed',
    },
    {
      id: 'acme-register',
      label: 'node --require dist/register.cjs empty-app.cjs',
      preload: acme,
      missing: acme ? null : 'not built yet (dist/register.cjs missing)',
    },
    {
      // On Node 20 module.register() starts the loader thread: this is the ESM entry's extra cost.
      id: 'acme-import',
      label: 'node --import dist/register-esm.js empty-app.cjs',
      preload: acmeEsm && pathToFileURL(acmeEsm).href,
      flag: '--import',
      missing: acmeEsm ? null : 'not built yet (dist/register-esm.js missing)',
    },
  ];
}

const argsFor = (v, count = false) => [
  ...(count ? ['--require', path.join(FIXTURES, 'count-modules.cjs')] : []),
  ...(v.preload ? [v.flag ?? '--require', v.preload] : []),
  // A file, as `node app.js` runs: `-e` loads node:crypto and more itself (see the fixture).
  path.join(FIXTURES, v.app),
];

export async function runStartup(ctx) {
  const { opts, receiver, log } = ctx;
  const env = tracingEnv(receiver.endpoint);
  const all = variants();
  const runnable = all.filter((v) => !v.missing);
  const times = new Map(all.map((v) => [v.id, []]));
  const failures = new Map();
  // One untimed run each first: fills the OS file cache for every variant alike.
  for (const v of runnable) await run(process.execPath, argsFor(v), { env, cwd: ROOT });
  for (let i = 0; i < opts.startupRuns; i++) {
    const order = i % 2 ? [...runnable].reverse() : runnable;
    for (const v of order) {
      const r = await run(process.execPath, argsFor(v), { env, cwd: ROOT });
      if (r.code !== 0) failures.set(v.id, r.err.slice(-500));
      else times.get(v.id).push(r.ms);
    }
  }
  const modules = {};
  for (const v of runnable) {
    const r = await run(process.execPath, argsFor(v, true), { env, cwd: ROOT });
    modules[v.id] = JSON.parse(/\{"cjsModules".*\}/.exec(r.out)?.[0] ?? '{}').cjsModules ?? null;
  }
  const out = {};
  for (const v of all) {
    const ms = summarize(times.get(v.id));
    const bare = summarize(times.get(v.bare));
    out[v.id] = {
      label: v.label,
      missing: v.missing,
      ms,
      deltaOverNodeMs: ms.median !== null && bare.median !== null ? ms.median - bare.median : null,
      cjsModules: modules[v.id] ?? null,
      error: failures.get(v.id) ?? null,
    };
    if (!v.missing)
      log(
        `  ${v.id.padEnd(18)} median ${ms.median?.toFixed(1)} ms (${ms.min?.toFixed(1)}–${ms.max?.toFixed(1)}), ${modules[v.id]} CJS modules`,
      );
  }
  return out;
}
