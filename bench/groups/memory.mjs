// Memory under sustained load: each server driven at full load for `memorySeconds`, sampled
// twice a second over IPC; RSS, the young generation V8 has committed, heap and external memory,
// as medians of the last third. Why not the throughput table's RSS alone: that is read after a
// round of seconds, while V8 is still growing the young generation, and it grows it faster the
// more survives a scavenge. A traced server reaches V8's maximum in seconds; the untraced one gets
// there too under the same load, a minute or so later (docs/performance.md, 2026-12-04). At steady
// state both have it, and what is left is what tracing holds.
import { drive } from '../lib/loadgen.mjs';
import { runPerConfig } from '../lib/per-config.mjs';
import { startServer } from '../lib/server.mjs';
import { median } from '../lib/stats.mjs';

const MB = 2 ** 20;
const HZ = 2;
const MEMORY_CONFIGS = ['none', 'acme-code', 'upstream-sdk'];

const round = (x, d = 1) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);

async function memoryRun(ctx, config) {
  const { opts, loadgen, receiver } = ctx;
  const server = await startServer(config, receiver.endpoint, { pin: opts.pin });
  const samples = [];
  try {
    const seconds = opts.memorySeconds;
    const load = drive(loadgen, server.url, { seconds, connections: opts.connections, pin: opts.pin });
    const t0 = Date.now();
    for (let i = 1; i <= seconds * HZ; i++) {
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + (i * 1000) / HZ - Date.now())));
      const s = await server.stats();
      const { youngGen } = await server.heap();
      samples.push({
        t: i / HZ,
        rssMB: s.rss / MB,
        youngGenMB: youngGen / MB,
        heapTotalMB: s.heapTotal / MB,
        externalMB: s.external / MB,
      });
    }
    const loadResult = await load;
    return summarise(samples, loadResult);
  } finally {
    await server.close();
  }
}

export function summarise(samples, loadResult) {
  const last = samples.slice(samples.length - Math.max(1, Math.floor(samples.length / 3)));
  const m = (k) => round(median(last.map((s) => s[k])));
  // When the young generation reached the size it ends at (V8 doubles it in steps).
  const finalYoung = samples.at(-1)?.youngGenMB;
  const reached = samples.find((s) => s.youngGenMB === finalYoung)?.t ?? null;
  return {
    rssMB: m('rssMB'),
    youngGenMB: m('youngGenMB'),
    rssLessYoungGenMB: round(median(last.map((s) => s.rssMB - s.youngGenMB))),
    heapTotalMB: m('heapTotalMB'),
    externalMB: m('externalMB'),
    youngGenFinalAtSeconds: reached,
    rps: round(loadResult.rps, 0),
    samples: samples.map((s) => ({
      t: s.t,
      rssMB: round(s.rssMB),
      youngGenMB: round(s.youngGenMB),
      heapTotalMB: round(s.heapTotalMB),
      externalMB: round(s.externalMB),
    })),
  };
}

export async function runMemory(ctx) {
  const out = await runPerConfig(
    ctx,
    MEMORY_CONFIGS,
    (config) => memoryRun(ctx, config),
    (o) =>
      `RSS ${o.rssMB} MB (young generation ${o.youngGenMB} MB from ${o.youngGenFinalAtSeconds} s, without it ${o.rssLessYoungGenMB}), heap ${o.heapTotalMB}, external ${o.externalMB}, ${o.rps} req/s`,
  );
  addOverUntraced(out);
  return out;
}

/** Each traced config's RSS, and RSS less the young generation, over the untraced server's. */
export function addOverUntraced(out) {
  const base = out.none;
  if (!base || base.missing || base.error) return;
  for (const o of Object.values(out)) {
    if (o === base || o.missing || o.error) continue;
    o.rssOverUntracedMB = round(o.rssMB - base.rssMB);
    o.rssLessYoungGenOverUntracedMB = round(o.rssLessYoungGenMB - base.rssLessYoungGenMB);
  }
}
