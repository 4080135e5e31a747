// Outgoing HTTP calls: the client's CPU per keep-alive `http.get()` to an untraced local server,
// untraced, with @acme/otel and with upstream's NodeSDK + http instrumentation, each call either a
// new trace or inside an unsampled parent (a service at `sampleRatio: 0.1`, nine requests in ten).
// One fresh client process per variant and round, variants alternating, the starting one rotated.
import path from 'node:path';
import { acmeIndexWithInitTracing, tracingEnv } from '../lib/configs.mjs';
import { FIXTURES, ROOT } from '../lib/paths.mjs';
import { CORE, firstJsonLine, start, stop } from '../lib/proc.mjs';
import { startServer } from '../lib/server.mjs';
import { summarize } from '../lib/stats.mjs';

const CLIENT = path.join(FIXTURES, 'outgoing-client.cjs');
const UPSTREAM = path.join(FIXTURES, 'upstream-sdk.cjs');

function variants() {
  const index = acmeIndexWithInitTracing();
  const acme = (env) => ({
    preload: null,
    env: { BENCH_ACME_INDEX: index ?? '', ...env },
    missing: index ? null : 'not built yet',
  });
  const upstream = (env) => ({ preload: UPSTREAM, env, missing: null });
  return [
    { id: 'none', label: 'no tracing', preload: null, env: {}, missing: null },
    { id: 'acme', label: '@acme/otel, AlwaysOn', ...acme({}) },
    {
      id: 'acme-unsampled-parent',
      label: '@acme/otel, inside an unsampled parent',
      ...acme({ BENCH_PARENT: 'unsampled', BENCH_SAMPLE_RATIO: '0.1' }),
    },
    { id: 'upstream', label: 'upstream NodeSDK + http, AlwaysOn', ...upstream({}) },
    {
      id: 'upstream-unsampled-parent',
      label: 'upstream NodeSDK + http, inside an unsampled parent',
      ...upstream({ BENCH_PARENT: 'unsampled', BENCH_SAMPLE_RATIO: '0.1' }),
    },
  ];
}

export async function runOutgoing(ctx) {
  const { opts, receiver, log } = ctx;
  // The target: the untraced hello-world server, on the load generator's core.
  const target = await startServer({ id: 'target', preload: null, env: {} }, receiver.endpoint, {
    pin: opts.pin,
    core: CORE.load,
  });
  const port = new URL(target.url).port;
  const all = variants();
  const runnable = all.filter((v) => !v.missing);
  const samples = new Map(all.map((v) => [v.id, []]));
  const errors = new Map();
  try {
    for (let round = 0; round < opts.outgoingRounds; round++) {
      const order = runnable.map((_, i) => runnable[(i + round) % runnable.length]);
      for (const v of order) {
        const child = start(process.execPath, [...(v.preload ? ['--require', v.preload] : []), CLIENT], {
          core: opts.pin ? CORE.server : null,
          cwd: ROOT,
          env: tracingEnv(receiver.endpoint, {
            ...v.env,
            BENCH_TARGET: String(port),
            BENCH_CALLS: String(opts.outgoingCalls),
            BENCH_ROUNDS: '3',
          }),
        });
        const r = await firstJsonLine(child, 120_000).catch((error) => ({ error: String(error.message) }));
        // A client that hung is ended; one that answered has exited or is exiting.
        if (r.error) await stop(child, 500);
        else await child.exited;
        if (r.error) errors.set(v.id, r.error.slice(0, 500));
        // The median of the process's timed batches.
        else samples.get(v.id).push(summarize(r.cpuUsPerCall).median);
      }
      log(`  round ${round + 1}/${opts.outgoingRounds} done`);
    }
  } finally {
    await target.kill();
  }
  const base = samples.get('none');
  const out = {
    calls: opts.outgoingCalls,
    inFlight: 8,
    variants: all.map((v) => {
      const own = samples.get(v.id);
      // Added CPU paired per round against the untraced client of the same round.
      const added = own.length === base.length ? own.map((x, i) => x - base[i]) : [];
      return {
        id: v.id,
        label: v.label,
        cpuUsPerCall: summarize(own),
        addedUsPerCall: summarize(added),
        missing: v.missing,
        error: errors.get(v.id) ?? null,
      };
    }),
  };
  return out;
}
