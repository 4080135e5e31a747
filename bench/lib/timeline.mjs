// Attributes the long loop turns that bench/fixtures/turn-probe.cjs recorded (bench/timeline.mjs).
// With a CPU profile of the same process (--cpu-prof, its timestamps on the probe's clock), each
// sample inside a turn is charged to the code that owned it: walking from the leaf towards the
// root, the first frame outside Node's own internals decides: @acme/otel (dist/), upstream
// OpenTelemetry (node_modules/@opentelemetry, import-in-the-middle, require-in-the-middle), the
// app (the bench server), else Node itself; V8's GC and compiler entries by their own names.

const OWNERS = [
  ['acme', (url) => /\/dist\/[^/]+\.(c?js|mjs)$/.test(url) && !url.includes('node_modules')],
  ['otel', (url) => /node_modules\/(@opentelemetry|import-in-the-middle|require-in-the-middle)\//.test(url)],
  ['probe', (url) => url.endsWith('turn-probe.cjs')],
  ['app', (url) => url.includes('/bench/fixtures/')],
  ['other', (url) => url.includes('node_modules/')],
];

function ownerOfFrame(frame) {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'gc';
    if (functionName === '(idle)' || functionName === '(program)' || functionName === '(root)') return null;
    return null;
  }
  for (const [name, test] of OWNERS) if (test(url)) return name;
  return null; // node:internal
}

/** sample index -> owner, from a .cpuprofile's nodes (parent links resolved once). */
function sampleOwners(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const owner = new Map();
  const resolve = (id) => {
    if (owner.has(id)) return owner.get(id);
    const node = byId.get(id);
    const name = node.callFrame.functionName;
    let o;
    if (!node.callFrame.url && (name === '(idle)' || name === '(program)')) o = name.slice(1, -1);
    else o = ownerOfFrame(node.callFrame) ?? (parent.has(id) ? resolve(parent.get(id)) : 'node');
    if (o === 'idle' || o === 'program') o = !node.callFrame.url ? o : 'node';
    owner.set(id, o);
    return o;
  };
  return (id) => resolve(id);
}

/** [[timeMs, owner]] of every sample in the profile, on the probe's clock. */
export function profileSamples(profile) {
  const owners = sampleOwners(profile);
  const out = [];
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    out.push([t / 1000, owners(profile.samples[i])]);
  }
  return out;
}

const overlap = (a0, a1, b0, b1) => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));

/**
 * The turns over `minMs` after listening, each with what overlapped it: GC time, export work,
 * module loads, flag changes, requests started, and (with samples) CPU time per owner.
 */
export function attributeTurns(probe, samples, minMs) {
  const origin = probe.listening ?? probe.t0;
  const rows = [];
  for (const [a, b] of probe.turns) {
    // From listening on: the start-up turn (loading the app and tracing) is the startup group's.
    if (b - a <= minMs || a < origin) continue;
    const gcMs = probe.gcs.reduce((s, [g, d]) => s + overlap(a, b, g, g + d), 0);
    const exportWork = probe.exports
      .filter(([, s]) => s >= a && s <= b)
      .map(([what, , d]) => `${what} ${d.toFixed(1)}`);
    const loads = probe.loads.filter(([s]) => s >= a && s <= b).map(([, d, id]) => `${id} ${d.toFixed(1)}`);
    const flags = probe.flags.filter(([s]) => s >= a && s <= b).map(([, d, f]) => `${f} ${d.toFixed(1)}`);
    const requests = probe.requests.filter((s) => s >= a && s <= b).length;
    // Our own pieces of work over 0.3 ms in this turn, and the sum of all of them but the spans'
    // encoding (part of each request's `span.end()`, and only every 16th is timed).
    const ours = (probe.work ?? []).filter(([s, , name]) => s >= a && s <= b && name !== 'encode');
    const oursMs = ours.reduce((sum, [, ms]) => sum + ms, 0);
    const work = ours
      .filter(([, ms]) => ms > 0.3)
      .map(
        ([, ms, name, cpuMs]) => `${name} ${ms.toFixed(1)}${cpuMs === null ? '' : `/${cpuMs.toFixed(1)}`}`,
      );
    const cpu = {};
    if (samples) {
      // Each sample stands for the interval since the previous one.
      let prev = null;
      for (const [t, o] of samples) {
        if (prev !== null && t > a && prev < b) cpu[o] = (cpu[o] ?? 0) + overlap(a, b, prev, t);
        prev = t;
      }
    }
    rows.push({ at: a - origin, ms: b - a, gcMs, requests, oursMs, work, exportWork, loads, flags, cpu });
  }
  return rows;
}

/**
 * Our timed pieces of work (`@acme/otel:work`) after listening: per name, how many, the longest
 * (wall and CPU) and when it ran.
 */
export function workSummary(probe) {
  const origin = probe.listening ?? probe.t0;
  const byName = new Map();
  for (const [s, ms, name, cpuMs] of probe.work ?? []) {
    const key = name;
    const e = byName.get(key) ?? { name: key, count: 0, maxMs: 0, maxCpuMs: 0, at: 0, totalMs: 0 };
    e.count++;
    e.totalMs += ms;
    if (ms > e.maxMs) {
      e.maxMs = ms;
      e.at = s - origin;
    }
    e.maxCpuMs = Math.max(e.maxCpuMs, cpuMs ?? 0);
    byName.set(key, e);
  }
  // Every 16th span's encoding is timed (turn-probe.cjs); the count is of all of them.
  const encode = byName.get('encode');
  if (encode && probe.encodes) encode.count = probe.encodes;
  return [...byName.values()];
}

/**
 * What filled a long turn, first match wins: a module load or flag change in it; export work
 * (our timed pieces over half the turn, or an HTTP/2 send, answer or close in it); GC (over half
 * the turn); else the requests served in it (the app's and tracing's per-request work, and any
 * stall of the process by others).
 */
export function causeOf(turn) {
  if (turn.loads.length > 0 || turn.flags.length > 0) return 'module load';
  if (turn.oursMs > turn.ms / 2) return 'our work';
  if (turn.exportWork.length > 0) return 'export (http2)';
  if (turn.gcMs > turn.ms / 2) return 'gc';
  return 'requests';
}

/** One line per turn: when, how long, requests, GC and the CPU owners over 0.5 ms. */
export function formatTurn(r) {
  const owners = Object.entries(r.cpu)
    .filter(([, ms]) => ms >= 0.5)
    .sort((x, y) => y[1] - x[1])
    .map(([o, ms]) => `${o} ${ms.toFixed(1)}`)
    .join(', ');
  const extra = [
    ...r.work.map((w) => `acme:${w}`),
    ...r.exportWork.map((e) => `h2:${e}`),
    ...r.loads.map((l) => `load:${l}`),
    ...r.flags,
  ];
  return (
    `${r.at.toFixed(0).padStart(6)} ms  ${r.ms.toFixed(1).padStart(5)} ms  req ${String(r.requests).padStart(3)}` +
    `  gc ${r.gcMs.toFixed(1).padStart(4)}  ours ${r.oursMs.toFixed(1).padStart(4)}` +
    (owners ? `  [${owners}]` : '') +
    (extra.length ? `  ${extra.join('; ')}` : '')
  );
}
