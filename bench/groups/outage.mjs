// Collector outage under full load: a traced server is driven at full load while its receiver
// runs, is killed for the outage, then restarted on the same port. RSS, served req/s and CPU
// are sampled twice a second over IPC (RSS saw-tooths with GC, so more samples give steadier
// medians). Reports the collector-up steady state, the plateau during
// the outage (MB over steady state), and whether RSS still grows in the outage's last half.
// Also the same figures less the memory V8 has committed to the young generation: V8 resizes it
// on its own (Node 24 doubled it from 64 to 128 MB 38–51 s into a run, with the collector up for
// the whole run as with it down), which would otherwise read as the outage's.
import { drive } from '../lib/loadgen.mjs';
import { runPerConfig } from '../lib/per-config.mjs';
import { startReceiver } from '../lib/receiver.mjs';
import { startServer } from '../lib/server.mjs';
import { median, slope } from '../lib/stats.mjs';

const MB = 2 ** 20;
const HZ = 2;
const OUTAGE_CONFIGS = ['upstream-sdk', 'acme-code'];

const round = (x, d = 1) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);

async function outageRun(ctx, config) {
  const { opts, loadgen, log } = ctx;
  const { outageUpSeconds: up, outageSeconds: down, outageRecoverySeconds: rec } = opts;
  const receiver = await startReceiver({ preference: opts.receiver, pin: opts.pin });
  const server = await startServer(config, receiver.endpoint, { pin: opts.pin });
  const samples = [];
  try {
    const total = up + down + rec;
    const load = drive(loadgen, server.url, { seconds: total, connections: opts.connections, pin: opts.pin });
    const t0 = Date.now();
    let prev = await server.stats();
    let phase = 'up';
    for (let i = 1; i <= total * HZ; i++) {
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + (i * 1000) / HZ - Date.now())));
      const t = i / HZ;
      // The phase switch happens right after the sample that closes the previous phase.
      const cur = await server.stats();
      const { youngGen } = await server.heap();
      samples.push({
        t,
        phase,
        rssMB: cur.rss / MB,
        youngGenMB: youngGen / MB,
        heapMB: cur.heapUsed / MB,
        heapTotalMB: cur.heapTotal / MB,
        externalMB: cur.external / MB,
        rps: (cur.requests - prev.requests) * HZ,
        cpuPct: ((cur.cpu.user + cur.cpu.system - prev.cpu.user - prev.cpu.system) / 1e4) * HZ,
      });
      prev = cur;
      if (t === up) {
        phase = 'outage';
        await receiver.stop();
      } else if (t === up + down) {
        phase = 'recovered';
        await receiver.restart();
      }
    }
    const loadResult = await load;
    const alive = await server.stats().then(
      () => true,
      () => false,
    );
    return summarise(samples, { up, down, alive, loadErrors: loadResult.errors });
  } finally {
    await server.kill();
    await receiver.stop();
    if (samples.length) log(`  ${config.id}: ${samples.length} samples`);
  }
}

export function summarise(samples, { up, down, alive, loadErrors }) {
  const upS = samples.filter((s) => s.phase === 'up' && s.t > up / 2);
  const outS = samples.filter((s) => s.phase === 'outage');
  const recS = samples.filter((s) => s.phase === 'recovered');
  const third = Math.floor(outS.length / 3);
  const middleThird = outS.slice(third, outS.length - third);
  const lastThird = outS.slice(outS.length - third);
  const lastHalf = outS.slice(Math.floor(outS.length / 2));
  const steady = median(upS.map((s) => s.rssMB));
  const plateau = median(lastThird.map((s) => s.rssMB));
  const lessYoung = (s) => s.rssMB - s.youngGenMB;
  const steadyLessYoung = median(upS.map(lessYoung));
  const plateauLessYoung = median(lastThird.map(lessYoung));
  // Growth is judged without the young generation: a resize V8 makes on its own is a step, not growth.
  const growthSlope = slope(
    lastHalf.map((s) => s.t),
    lastHalf.map(lessYoung),
  );
  // Medians of thirds rather than end points: RSS swings by tens of MB with each GC.
  const growthLastThird =
    third > 0 ? median(lastThird.map(lessYoung)) - median(middleThird.map(lessYoung)) : null;
  return {
    outageSeconds: down,
    steadyRssMB: round(steady),
    outagePlateauRssMB: round(plateau),
    outageMaxRssMB: round(Math.max(...outS.map((s) => s.rssMB))),
    plateauDeltaMB: round(plateau - steady),
    steadyYoungGenMB: round(median(upS.map((s) => s.youngGenMB))),
    outageYoungGenMB: round(median(lastThird.map((s) => s.youngGenMB))),
    plateauDeltaLessYoungGenMB: round(plateauLessYoung - steadyLessYoung),
    lastHalfSlopeMBperMin: round(growthSlope === null ? null : growthSlope * 60, 2),
    lastThirdGrowthMB: round(growthLastThird),
    // Still growing: the last third's median is more than 2 MB above both the middle third's
    // and the steady state (either alone flags a GC trough in the middle third as growth).
    stillGrowing: growthLastThird !== null && growthLastThird > 2 && plateauLessYoung - steadyLessYoung > 2,
    rpsUp: round(median(upS.map((s) => s.rps)), 0),
    rpsOutage: round(median(outS.map((s) => s.rps)), 0),
    rpsRecovered: round(median(recS.map((s) => s.rps)), 0),
    recoveredRssMB: round(median(recS.map((s) => s.rssMB))),
    serverAliveAfter: alive,
    loadErrors,
    sampleHz: HZ,
    samples: samples.map((s) => ({
      ...s,
      rssMB: round(s.rssMB),
      youngGenMB: round(s.youngGenMB),
      heapMB: round(s.heapMB),
      heapTotalMB: round(s.heapTotalMB),
      externalMB: round(s.externalMB),
      cpuPct: round(s.cpuPct, 0),
    })),
  };
}

export function runOutage(ctx) {
  return runPerConfig(
    ctx,
    OUTAGE_CONFIGS,
    (config) => outageRun(ctx, config),
    (o) =>
      `steady ${o.steadyRssMB} MB, outage plateau ${o.outagePlateauRssMB} MB (Δ ${o.plateauDeltaMB} MB, max ${o.outageMaxRssMB}; young generation ${o.steadyYoungGenMB} → ${o.outageYoungGenMB} MB, Δ without it ${o.plateauDeltaLessYoungGenMB} MB), growth in last third ${o.lastThirdGrowthMB} MB, req/s up/outage/recovered ${o.rpsUp}/${o.rpsOutage}/${o.rpsRecovered}`,
  );
}
