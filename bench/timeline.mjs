// `node bench/timeline.mjs --variant 'none:none' --variant 'on:BENCH_SAMPLE_RATIO=1' [--rounds 3]
//                         [--seconds 5] [--connections 50] [--delay 0] [--min-ms 5] [--cpu-prof]
//                         [--node <binary>] [--json <file>]`
// Which loop turns over `--min-ms` a server has from listening through `--seconds` of load, and
// what filled each one (issue #20: no block over 5 ms from tracing, at any time). Each variant is
// bench/fixtures/server.cjs as in bench/ab.mjs (`none` untraced, else @acme/otel's dist/index.js
// in code plus the variant's env), preloaded with bench/fixtures/turn-probe.cjs; wrk starts
// `--delay` ms after the server listens. Rounds are interleaved with the starting variant
// rotated. `--cpu-prof` adds a CPU profile (100 µs samples) to charge each turn's time to its
// owner (lib/timeline.mjs): @acme/otel, upstream OpenTelemetry, the app, Node, GC.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { acmeIndexWithInitTracing } from './lib/configs.mjs';
import { chooseLoadgen, drive } from './lib/loadgen.mjs';
import { FIXTURES } from './lib/paths.mjs';
import { canPin, sleep } from './lib/proc.mjs';
import { startReceiver } from './lib/receiver.mjs';
import { startServer } from './lib/server.mjs';
import { attributeTurns, causeOf, formatTurn, profileSamples, workSummary } from './lib/timeline.mjs';

const { values } = parseArgs({
  options: {
    variant: { type: 'string', multiple: true, default: [] },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    delay: { type: 'string', default: '0' },
    'min-ms': { type: 'string', default: '5' },
    'cpu-prof': { type: 'boolean', default: false },
    json: { type: 'string' },
    node: { type: 'string' },
  },
});

const index = acmeIndexWithInitTracing();
const variants = values.variant.map((spec) => {
  const [id, rest = ''] = spec.split(/:(.*)/s);
  const words = rest.split(/\s+/).filter(Boolean);
  const untraced = words[0] === 'none';
  const env = untraced ? {} : { BENCH_ACME_INDEX: index ?? '' };
  for (const kv of untraced ? words.slice(1) : words) {
    const [k, v] = kv.split(/=(.*)/s);
    env[k] = v;
  }
  return { id, preload: null, env, ...(values.node ? { node: values.node } : {}) };
});
if (variants.length === 0) throw new Error('give at least one --variant name:none|KEY=V ...');

const minMs = Number(values['min-ms']);
const pin = canPin();
const loadgen = chooseLoadgen('wrk');
const receiver = await startReceiver({ pin });
const results = [];
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = variants.map((_, i) => variants[(i + round) % variants.length]);
    for (const v of order) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'acme-timeline-'));
      const out = path.join(dir, 'probe.json');
      const nodeArgs = ['--require', path.join(FIXTURES, 'turn-probe.cjs')];
      if (values['cpu-prof'])
        nodeArgs.push('--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '100');
      const server = await startServer(
        { ...v, env: { ...v.env, BENCH_PROBE_OUT: out, BENCH_PROBE_MIN_MS: String(Math.min(4, minMs)) } },
        receiver.endpoint,
        { pin, nodeArgs },
      );
      let load;
      try {
        if (Number(values.delay) > 0) await sleep(Number(values.delay));
        load = await drive(loadgen, server.url, {
          seconds: Number(values.seconds),
          connections: Number(values.connections),
          pin,
        });
      } finally {
        await server.close();
      }
      const probe = JSON.parse(readFileSync(out, 'utf8'));
      const prof = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
      const samples = prof ? profileSamples(JSON.parse(readFileSync(path.join(dir, prof), 'utf8'))) : null;
      if (process.env.BENCH_TIMELINE_KEEP) console.log(`kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
      const turns = attributeTurns(probe, samples, minMs);
      const maxGc = Math.max(0, ...probe.gcs.map(([, d]) => d));
      results.push({ round, variant: v.id, rps: load.rps, turns, maxGcMs: maxGc, gcs: probe.gcs.length });
      console.log(
        `round ${round + 1} ${v.id}: ${load.rps.toFixed(0)} req/s, ${turns.length} turns > ${minMs} ms` +
          ` (max ${Math.max(0, ...turns.map((t) => t.ms)).toFixed(1)} ms), GCs ${probe.gcs.length}, longest ${maxGc.toFixed(1)} ms`,
      );
      for (const t of turns) console.log(`  ${formatTurn(t)}`);
      const th = probe.threads ?? [];
      for (let i = 1; i < th.length; i++)
        console.log(
          `  threads ${th[i - 1][0].toFixed(0)}–${th[i][0].toFixed(0)} ms: main ${(th[i][1].main - th[i - 1][1].main).toFixed(0)} ms,` +
            ` others ${(th[i][1].others - th[i - 1][1].others).toFixed(0)} ms`,
        );
      const work = workSummary(probe);
      results[results.length - 1].work = work;
      for (const w of work)
        console.log(
          `  work ${w.name.padEnd(34)} x${String(w.count).padStart(6)}  max ${w.maxMs.toFixed(2)} ms` +
            ` (cpu ${w.maxCpuMs.toFixed(2)}) at ${w.at.toFixed(0)} ms, total ${w.totalMs.toFixed(1)} ms`,
        );
    }
  }
} finally {
  await receiver.stop();
}
// Per variant and cause: long turns in the first second after listening and after it, and the
// longest, summed over the rounds.
console.log(
  `\nturns > ${minMs} ms per variant, over ${values.rounds} rounds (first second | rest, longest ms):`,
);
for (const v of variants) {
  const byCause = new Map();
  for (const r of results.filter((x) => x.variant === v.id))
    for (const t of r.turns) {
      const c = byCause.get(causeOf(t)) ?? { early: 0, late: 0, max: 0 };
      if (t.at < 1000) c.early++;
      else c.late++;
      c.max = Math.max(c.max, t.ms);
      byCause.set(causeOf(t), c);
    }
  const gcMax = Math.max(0, ...results.filter((x) => x.variant === v.id).map((x) => x.maxGcMs));
  console.log(
    `  ${v.id.padEnd(8)} ` +
      [...byCause].map(([cause, c]) => `${cause}: ${c.early} | ${c.late}, ${c.max.toFixed(1)}`).join('; ') +
      `; longest GC ${gcMax.toFixed(1)}`,
  );
}
if (values.json) (await import('node:fs')).writeFileSync(values.json, JSON.stringify(results, null, 1));
