// `node bench/profile.mjs [--config upstream-sdk] [--seconds 5] [--top 25] [--receiver shared|builtin] [--env K=V]`
// CPU-profiles one server config under full load (`node --cpu-prof`), then prints the top
// self-time functions and self time by package. The .cpuprofile stays in bench/profiles/ for
// Chrome DevTools or speedscope. Guides where the per-request cost goes.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { serverConfigs } from './lib/configs.mjs';
import { chooseLoadgen, drive } from './lib/loadgen.mjs';
import { BENCH_DIR } from './lib/paths.mjs';
import { canPin } from './lib/proc.mjs';
import { startReceiver } from './lib/receiver.mjs';
import { startServer } from './lib/server.mjs';

const { values } = parseArgs({
  options: {
    config: { type: 'string', default: 'upstream-sdk' },
    seconds: { type: 'string', default: '5' },
    top: { type: 'string', default: '25' },
    receiver: { type: 'string' },
    // Extra environment for the server, e.g. `--env BENCH_SAMPLE_RATIO=0` (repeatable).
    env: { type: 'string', multiple: true, default: [] },
  },
});

/** 'node_modules/@scope/name' or 'name' from a script URL; node internals and V8 pseudo-frames by name. */
function packageOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:internal';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(
    url.split('node_modules/').length > 1 ? url.slice(url.lastIndexOf('node_modules/')) : '',
  );
  if (m) return m[1];
  return url.includes('/bench/') ? 'bench fixture' : url;
}

/**
 * Self time per function and per package over the profile's last `windowUs` (the measured load;
 * start-up and warm-up are left out). Percentages are of busy time: (idle) is excluded.
 */
export function summariseProfile(profile, top, windowUs = Number.POSITIVE_INFINITY) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const from = profile.endTime - windowUs;
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < from || byId.get(id).callFrame.functionName === '(idle)') return;
    self.set(id, (self.get(id) ?? 0) + dt);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map();
  const pkgs = new Map();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const name = functionName || '(anonymous)';
    const file = url
      ? `${url.replace(/^file:\/\//, '').replace(/.*node_modules\//, '')}:${lineNumber + 1}`
      : '';
    const key = `${name} ${file}`;
    const pkg = packageOf(url, name);
    const f = fns.get(key) ?? { function: name, location: file, package: pkg, selfMs: 0 };
    f.selfMs += us / 1000;
    fns.set(key, f);
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us / 1000);
  }
  // Inclusive time per package: a sample counts once for every package on its stack, so
  // "@opentelemetry/otlp-transformer 20%" includes the Buffer and GC-free native work it calls.
  const inclusive = new Map();
  for (const [id, us] of self) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const { url, functionName } = byId.get(cur).callFrame;
      if (url) seen.add(packageOf(url, functionName));
    }
    for (const pkg of seen) inclusive.set(pkg, (inclusive.get(pkg) ?? 0) + us / 1000);
  }
  const pct = (ms) => Math.round(((ms * 1000) / total) * 1000) / 10;
  return {
    totalMs: total / 1000,
    windowMs: Number.isFinite(windowUs) ? windowUs / 1000 : null,
    topFunctions: [...fns.values()]
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top)
      .map((f) => ({ ...f, selfMs: Math.round(f.selfMs), pct: pct(f.selfMs) })),
    inclusiveByPackage: [...inclusive.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([pkg, ms]) => ({ package: pkg, inclusiveMs: Math.round(ms), pct: pct(ms) })),
    byPackage: [...pkgs.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([pkg, ms]) => ({ package: pkg, selfMs: Math.round(ms), pct: pct(ms) })),
  };
}

async function main() {
  const found = serverConfigs().find((c) => c.id === values.config);
  const extraEnv = Object.fromEntries(
    values.env.map((kv) => {
      const eq = kv.indexOf('=');
      if (eq < 1) throw new Error(`--env ${kv}: expected NAME=value`);
      return [kv.slice(0, eq), kv.slice(eq + 1)];
    }),
  );
  const config = found && { ...found, env: { ...found.env, ...extraEnv } };
  if (!config)
    throw new Error(
      `--config ${values.config}: unknown (${serverConfigs()
        .map((c) => c.id)
        .join('|')})`,
    );
  if (config.missing) throw new Error(`--config ${values.config}: ${config.missing}`);
  const dir = path.join(BENCH_DIR, 'profiles');
  mkdirSync(dir, { recursive: true });
  const pin = canPin();
  const loadgen = chooseLoadgen(null);
  const receiver = await startReceiver({ preference: values.receiver ?? null, pin });
  const before = new Set(readdirSync(dir));
  let rps = null;
  try {
    const server = await startServer(config, receiver.endpoint, {
      pin,
      nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '250'],
    });
    await drive(loadgen, server.url, { seconds: 1, connections: 50, pin });
    const load = await drive(loadgen, server.url, { seconds: Number(values.seconds), connections: 50, pin });
    await server.close();
    rps = load.rps;
    console.log(
      `[profile] ${config.id}: ${load.rps.toFixed(0)} req/s under the profiler (profiling itself costs throughput)`,
    );
  } finally {
    await receiver.stop();
  }
  const file = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile') && !before.has(f))
    .map((f) => path.join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!file) throw new Error('no .cpuprofile was written');
  const summary = summariseProfile(
    JSON.parse(readFileSync(file, 'utf8')),
    Number(values.top),
    Number(values.seconds) * 1e6,
  );
  console.log(
    `[profile] ${path.relative(process.cwd(), file)} — ${summary.totalMs.toFixed(0)} ms busy in the last ${values.seconds} s (load window; idle excluded)`,
  );
  console.log('\nself time by package');
  for (const p of summary.byPackage.slice(0, 15))
    console.log(`  ${String(p.pct).padStart(5)}%  ${p.selfMs.toString().padStart(6)} ms  ${p.package}`);
  console.log('\ninclusive time by package (a sample counts for every package on its stack)');
  for (const p of summary.inclusiveByPackage.slice(0, 15))
    console.log(`  ${String(p.pct).padStart(5)}%  ${p.inclusiveMs.toString().padStart(6)} ms  ${p.package}`);
  console.log('\ntop self-time functions');
  for (const f of summary.topFunctions) {
    console.log(
      `  ${String(f.pct).padStart(5)}%  ${f.selfMs.toString().padStart(6)} ms  ${f.function}  ${f.location}`,
    );
  }
  const out = file.replace(/\.cpuprofile$/, `.${config.id}.summary.json`);
  writeFileSync(out, `${JSON.stringify({ config: config.id, rps, ...summary }, null, 2)}\n`);
  console.log(`\n[profile] summary written to ${path.relative(process.cwd(), out)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(`[profile] ${err.stack ?? err}`);
    process.exit(1);
  });
}
