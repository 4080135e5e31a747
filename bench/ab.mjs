// `node bench/ab.mjs --variant 'name:KEY=V KEY=V' --variant 'up:upstream KEY=V' ... [--rounds 5] [--seconds 8]
//                    [--connections 50] [--latency] [--no-idle-poll] [--receiver-sched idle|normal]
//                    [--anatomy] [--node-arg=--trace-gc] [--against <variant>]`
// Side-by-side A/B of server variants while developing: each variant is bench/fixtures/server.cjs
// with @acme/otel's dist/index.js in code (BENCH_ACME_INDEX, override it per variant to compare
// an older build kept under bench/profiles/) plus the variant's extra environment. `none` as a
// variant's first word is the untraced server, `upstream` as its first word the raw upstream NodeSDK
// fixture (bench/fixtures/upstream-sdk.cjs, BENCH_SAMPLE_RATIO applies). Rounds are interleaved with the starting variant
// rotated, as in `npm run bench`; prints median (min–max) server CPU µs/request, req/s ÷ untraced
// when a `none` variant is among them (the one on the same Node, with BENCH_NODE), and with
// --latency p99 at one connection, the server's event-loop delay (p99, max) and the host's steal
// time during it; --anatomy adds what set each p99 (lib/anatomy.mjs). CPU over untraced, and with
// --against <variant> the difference from that variant, are paired per round (each round's
// figure less the other's in the same round, then the median), so that a host that drifts between
// rounds moves both sides of each pair alike: on a noisy host the spread of the paired
// differences is much smaller than that of either side.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { measureServer } from './groups/servers.mjs';
import { latencyAnatomy } from './lib/anatomy.mjs';
import { acmeIndexWithInitTracing } from './lib/configs.mjs';
import { holdIdlePoll } from './lib/idle.mjs';
import { chooseLoadgen } from './lib/loadgen.mjs';
import { FIXTURES } from './lib/paths.mjs';
import { canPin, sleep } from './lib/proc.mjs';
import { startReceiver } from './lib/receiver.mjs';
import { paired, summarize } from './lib/stats.mjs';

const { values } = parseArgs({
  options: {
    variant: { type: 'string', multiple: true, default: [] },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '50' },
    latency: { type: 'boolean', default: false },
    'no-idle-poll': { type: 'boolean', default: false },
    'receiver-sched': { type: 'string', default: 'idle' },
    anatomy: { type: 'boolean', default: false },
    'keep-probes': { type: 'string' },
    'node-arg': { type: 'string', multiple: true, default: [] },
    against: { type: 'string' },
  },
});

const index = acmeIndexWithInitTracing();
const variants = values.variant.map(parseVariant).map((v) => {
  // Two words are the harness's, not the server's. BENCH_RECEIVER_SCHED=idle|normal: the
  // receiver's class during this variant's latency window (lib/sched.mjs). BENCH_NODE=<binary>:
  // the Node.js that runs this variant's server (e.g. `npx -y node@24 -p process.execPath`), whose
  // ratio is then taken against the untraced variant on the same binary. Both so that either
  // choice can be compared side by side in one run.
  const { BENCH_RECEIVER_SCHED: receiverSched, BENCH_NODE: node, ...env } = v.env;
  return { ...v, env, receiverSched, node };
});
/** The untraced variant each variant's req/s is divided by: the `none` one on the same Node. */
const baseOf = new Map(
  variants.map((v) => [v.id, variants.find((b) => b.untraced && b.node === v.node)?.id]),
);

function parseVariant(spec) {
  const [name, rest = ''] = spec.split(/:(.*)/s);
  const words = rest.split(/\s+/).filter(Boolean);
  // `none [KEY=V ...]`: the untraced server (with NODE_OPTIONS=--require=... it can load a probe).
  if (words[0] === 'none')
    return {
      id: name,
      untraced: true,
      preload: null,
      env: Object.fromEntries(words.slice(1).map((kv) => kv.split(/=(.*)/s))),
    };
  // `upstream` as the first word: the raw upstream NodeSDK fixture instead of @acme/otel.
  const upstream = words[0] === 'upstream';
  const env = upstream ? {} : { BENCH_ACME_INDEX: index ?? '' };
  for (const kv of upstream ? words.slice(1) : words) {
    const [k, v] = kv.split(/=(.*)/s);
    env[k] = v;
  }
  // OTLP http/protobuf goes to the receiver's HTTP port (as the bench's acme-code-http config).
  const transport = env.OTEL_EXPORTER_OTLP_PROTOCOL === 'http/protobuf' ? 'http' : undefined;
  return { id: name, preload: upstream ? path.join(FIXTURES, 'upstream-sdk.cjs') : null, env, transport };
}
if (variants.length < 2) throw new Error('give at least two --variant name:KEY=V ...');
if (values.against && !variants.some((v) => v.id === values.against))
  throw new Error(`--against ${values.against}: no such variant`);

const pin = canPin();
const idle = holdIdlePoll(!values['no-idle-poll']);
process.stderr.write(`idle CPUs poll: ${idle.reason}\n`);
const seconds = Number(values.seconds);
// --anatomy: every server gets the latency probe, which writes one file per variant and round.
if (values.anatomy && !values.latency) throw new Error('--anatomy needs --latency');
const anatomy = values.anatomy;
// --keep-probes <dir>: the probe files (<variant>-<round>.json) go there and stay, for a closer look.
const keepProbes = values['keep-probes'];
if (keepProbes && !anatomy) throw new Error('--keep-probes needs --anatomy');
if (keepProbes) mkdirSync(keepProbes, { recursive: true });
const probeDir = anatomy ? (keepProbes ?? mkdtempSync(path.join(os.tmpdir(), 'acme-anatomy-'))) : null;
const probeArgs = anatomy ? [`--require=${path.join(FIXTURES, 'latency-probe.cjs')}`] : [];
const ctx = {
  opts: {
    pin,
    warmupSeconds: 2,
    throughputSeconds: seconds,
    latencySeconds: seconds,
    connections: Number(values.connections),
    nodeArgs: [...probeArgs, ...values['node-arg']],
    receiverSched: values['receiver-sched'],
  },
  loadgen: chooseLoadgen(null),
  receiver: await startReceiver({ pin }),
};
const results = new Map(
  variants.map((v) => [
    v.id,
    {
      cpu: [],
      sys: [],
      rps: [],
      ratio: [],
      p99: [],
      loopP99: [],
      loopMax: [],
      warmMax: [],
      steal: [],
      anatomy: [],
    },
  ]),
);
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = variants.map((_, i) => variants[(i + round) % variants.length]);
    const rpsThisRound = new Map();
    for (const v of order) {
      const probeOut = anatomy ? path.join(probeDir, `${v.id}-${round}.json`) : null;
      const variant = probeOut ? { ...v, env: { ...v.env, BENCH_PROBE_OUT: probeOut } } : v;
      const { throughput: t, latency: l } = await measureServer(ctx, variant, {
        throughput: true,
        latency: values.latency,
      });
      const r = results.get(v.id);
      r.cpu.push(t.cpuUsPerReq);
      r.sys.push(t.systemUsPerReq);
      r.rps.push(t.rps);
      rpsThisRound.set(v.id, t.rps);
      if (l) {
        r.p99.push(l.p99Ms);
        r.loopP99.push(l.loopP99Ms);
        r.loopMax.push(l.loopMaxMs);
        r.warmMax.push(l.warmLoopMaxMs);
        r.steal.push(l.stealMs ?? NaN);
        if (probeOut) r.anatomy.push(latencyAnatomy(probeOut));
      }
      await sleep(300);
    }
    for (const [id, rps] of rpsThisRound) {
      const base = rpsThisRound.get(baseOf.get(id));
      if (base) results.get(id).ratio.push(rps / base);
    }
    process.stderr.write(`round ${round + 1} done\n`);
  }
} finally {
  await ctx.receiver.stop();
  idle.release();
  if (probeDir && !keepProbes) rmSync(probeDir, { recursive: true, force: true });
}

function fmtDelta(diffs) {
  const s = summarize(diffs);
  if (!s?.n) return '-';
  const sign = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
  return `${sign(s.median)} µs (${sign(s.min)} to ${sign(s.max)})`;
}
const fmt = (s, d = 1) => (s?.n ? `${s.median.toFixed(d)} (${s.min.toFixed(d)}–${s.max.toFixed(d)})` : '-');
for (const [id, r] of results) {
  const parts = [
    `${id.padEnd(16)} cpu µs/req ${fmt(summarize(r.cpu))}`,
    `of it system ${fmt(summarize(r.sys))}`,
    `req/s ${fmt(summarize(r.rps), 0)}`,
  ];
  if (r.ratio.length) parts.push(`÷ untraced ${fmt(summarize(r.ratio), 3)}`);
  const base = baseOf.get(id);
  if (base !== undefined && base !== id)
    parts.push(`over untraced (paired) ${fmtDelta(paired(r.cpu, results.get(base).cpu))}`);
  if (values.against && values.against !== id)
    parts.push(`vs ${values.against} (paired) ${fmtDelta(paired(r.cpu, results.get(values.against).cpu))}`);
  if (r.p99.length) parts.push(`p99 c1 ${fmt(summarize(r.p99), 2)} ms`);
  if (r.loopP99.length)
    parts.push(
      `loop delay p99 ${fmt(summarize(r.loopP99), 2)} max ${fmt(summarize(r.loopMax), 1)} ms,` +
        ` start + warm-up max ${fmt(summarize(r.warmMax), 1)} ms`,
    );
  if (summarize(r.steal).n) parts.push(`host steal ${fmt(summarize(r.steal), 0)} ms`);
  console.log(parts.join('  '));
  const a = r.anatomy.filter(Boolean);
  if (a.length) {
    const med = (f, d = 2) => fmt(summarize(a.map(f)), d);
    console.log(
      `${''.padEnd(16)} anatomy: model p99 ${med((x) => x.p99Ms)} ms; without stalls from GC ${med((x) => x.without.gc)},` +
        ` export ${med((x) => x.without.export)}, other ${med((x) => x.without.other)} ms`,
    );
    console.log(
      `${''.padEnd(16)}   stalls > 0.3 ms per window: GC ${med((x) => x.stalls.gc.count, 0)} (${med((x) => x.stalls.gc.ms, 0)} ms),` +
        ` export ${med((x) => x.stalls.export.count, 0)} (${med((x) => x.stalls.export.ms, 0)} ms),` +
        ` other ${med((x) => x.stalls.other.count, 0)} (${med((x) => x.stalls.other.ms, 0)} ms);` +
        ` GCs ${med((x) => x.gc.count, 0)} of ${med((x) => x.gc.p50Ms)} ms, exports ${med((x) => x.exports.count, 0)}` +
        ` holding the loop ${med((x) => x.exports.p50HoldMs)} ms (p50)`,
    );
  }
}
