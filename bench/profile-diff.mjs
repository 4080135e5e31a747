// Where a config's extra CPU per request goes, against another's: two `.cpuprofile`s written by
// bench/profile.mjs (each with its `.summary.json` beside it), self time in each load window per
// request, ours less the base, our bundle's functions mapped to their source files through
// dist/*.js.map. Used for bench/README.md's "Where the microseconds go".
//   node bench/profile-diff.mjs bench/profiles/<acme>.cpuprofile bench/profiles/<none>.cpuprofile [--top 40]
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { TraceMap, originalPositionFor } = require('@jridgewell/trace-mapping');

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt === -1 ? 40 : Number(args.splice(topAt, 2)[1]);
const [oursFile, baseFile] = args;
if (!oursFile || !baseFile) {
  console.error('usage: node bench/profile-diff.mjs <ours.cpuprofile> <base.cpuprofile> [--top 40]');
  process.exit(2);
}

function summaryOf(file) {
  const dir = file.slice(0, file.lastIndexOf('/') + 1);
  const stem = file.slice(dir.length).replace(/\.cpuprofile$/, '');
  const name = fs.readdirSync(dir).find((f) => f.startsWith(`${stem}.`) && f.endsWith('.summary.json'));
  if (!name) throw new Error(`no summary next to ${file}`);
  return JSON.parse(fs.readFileSync(dir + name, 'utf8'));
}

/** Self time (µs) per profile node within the load window (the last `windowMs`). */
function selfTimes(file, windowMs) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const from = profile.endTime - windowMs * 1000;
  const self = new Map();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < from) continue;
    const node = byId.get(profile.samples[i]);
    self.set(node, (self.get(node) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  return self;
}

const maps = new Map();
function sourceOf(url, line, column) {
  const file = url.replace('file://', '');
  if (!maps.has(file)) {
    try {
      maps.set(file, new TraceMap(fs.readFileSync(`${file}.map`, 'utf8')));
    } catch {
      maps.set(file, null);
    }
  }
  const map = maps.get(file);
  const source = map && originalPositionFor(map, { line: line + 1, column }).source;
  return source ? source.replace(/^.*?(src|node_modules)\//, '$1/') : url;
}

function keyOf({ functionName, url, lineNumber, columnNumber }) {
  if (url.includes('/dist/')) return `ours ${sourceOf(url, lineNumber, columnNumber)}`;
  if (url.startsWith('node:')) return `node ${functionName} ${url}`;
  if (url.includes('node_modules/'))
    return `package ${url
      .replace(/^.*node_modules\//, '')
      .split('/')
      .slice(0, 2)
      .join('/')}`;
  return url ? `app ${url.split('/').pop()}` : `v8 ${functionName}`;
}

function perRequest(file) {
  const summary = summaryOf(file);
  const requests = summary.rps * (summary.windowMs / 1000);
  const out = new Map();
  for (const [node, us] of selfTimes(file, summary.windowMs)) {
    const key = keyOf(node.callFrame);
    if (key === 'v8 (idle)') continue;
    out.set(key, (out.get(key) ?? 0) + us / requests);
  }
  return { out, config: summary.config, total: [...out.values()].reduce((a, b) => a + b, 0) };
}

const ours = perRequest(oursFile);
const base = perRequest(baseFile);
const rows = [...new Set([...ours.out.keys(), ...base.out.keys()])]
  .map((key) => ({
    key,
    delta: (ours.out.get(key) ?? 0) - (base.out.get(key) ?? 0),
    abs: ours.out.get(key) ?? 0,
  }))
  .sort((a, b) => b.delta - a.delta);
const byKind = new Map();
for (const r of rows) {
  const kind = r.key.split(' ')[0];
  byKind.set(kind, (byKind.get(kind) ?? 0) + r.delta);
}
console.log(
  `${ours.config} ${ours.total.toFixed(1)} µs/request busy, ${base.config} ${base.total.toFixed(1)}: +${(ours.total - base.total).toFixed(1)}`,
);
console.log(`by kind: ${[...byKind].map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
console.log('  +µs/req  µs/req  where');
for (const r of rows.slice(0, top))
  console.log(`${r.delta.toFixed(2).padStart(8)}  ${r.abs.toFixed(2).padStart(6)}  ${r.key}`);
