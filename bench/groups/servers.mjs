// Throughput (full load) and latency (one connection) per server config. Configs are
// interleaved round-robin, one fresh server process per config per round, so machine drift
// hits every config alike; the headline ratio is taken within each round, then summarised.

import { drive } from '../lib/loadgen.mjs';
import { stealMs } from '../lib/machine.mjs';
import { cpuPerRequest, startServer } from '../lib/server.mjs';
import { summarize } from '../lib/stats.mjs';

/** A config that exports OTLP/HTTP protobuf gets the receiver's HTTP endpoint for traces. */
function withTransport(config, receiver) {
  if (config.transport !== 'http') return config;
  if (!receiver.httpEndpoint) throw new Error(`${config.id}: the receiver has no OTLP/HTTP endpoint`);
  return { ...config, env: { ...config.env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.httpEndpoint } };
}

/**
 * One fresh server process for `config`: warm-up, then the throughput window and/or the latency
 * window. Also used by bench/ab.mjs. `opts.nodeArgs` are extra node flags for the server.
 */
export async function measureServer(ctx, config, { throughput, latency }) {
  const { opts, loadgen, receiver } = ctx;
  const server = await startServer(withTransport(config, receiver), receiver.endpoint, {
    pin: opts.pin,
    nodeArgs: opts.nodeArgs,
  });
  try {
    const result = {};
    await drive(loadgen, server.url, {
      seconds: opts.warmupSeconds,
      connections: opts.connections,
      pin: opts.pin,
    });
    // Max event-loop delay from start-up through warm-up: the first requests and first export.
    const warm = await server.warmLoopStop();
    if (throughput) {
      const [s0, r0] = [await server.stats(), await receiver.stats()];
      const load = await drive(loadgen, server.url, {
        seconds: opts.throughputSeconds,
        connections: opts.connections,
        pin: opts.pin,
      });
      const [s1, r1] = [await server.stats(), await receiver.stats()];
      const cpu = cpuPerRequest(s0, s1);
      result.throughput = {
        rps: load.rps,
        cpuUsPerReq: cpu.cpuUsPerReq,
        systemUsPerReq: cpu.systemUsPerReq,
        serverRequests: cpu.requests,
        // Spans that reached the receiver per request served in the same window: ~1 at
        // AlwaysOn unless the exporter falls behind and the batch processor drops spans.
        spansPerReq:
          r0?.spans !== undefined && r1?.spans !== undefined && cpu.requests
            ? (r1.spans - r0.spans) / cpu.requests
            : null,
        // Export shape (builtin receiver only): spans per export request and bytes per span.
        spansPerExport:
          r0?.requests !== undefined && r1.requests > r0.requests
            ? (r1.spans - r0.spans) / (r1.requests - r0.requests)
            : null,
        bytesPerSpan:
          r0?.bytes !== undefined && r1.spans > r0.spans
            ? (r1.bytes - r0.bytes) / (r1.spans - r0.spans)
            : null,
        // The receiver's own CPU per request: shows whether it competes with the load generator.
        receiverCpuUsPerReq:
          r0?.cpuMs != null && r1?.cpuMs != null && cpu.requests
            ? ((r1.cpuMs - r0.cpuMs) * 1000) / cpu.requests
            : null,
        rssMB: s1.rss / 2 ** 20,
        // Latency under the same saturating load (wrk's own percentiles, with its correction for
        // coordinated omission): issue #23's "p99 at 50 connections".
        p99Ms: load.p99Ms,
        errors: load.errors,
        non2xx: load.non2xx,
      };
    }
    if (latency) {
      // The receiver yields wrk's core while wrk has work (lib/sched.mjs says why).
      const receiverSched =
        (config.receiverSched ?? opts.receiverSched) === 'idle' && receiver.setSched?.('idle');
      server.loopStart();
      const steal0 = stealMs();
      let load;
      try {
        load = await drive(loadgen, server.url, {
          seconds: opts.latencySeconds,
          connections: 1,
          pin: opts.pin,
        });
      } finally {
        if (receiverSched) receiver.setSched('normal');
      }
      const steal1 = stealMs();
      const loop = await server.loopStop();
      result.latency = {
        receiverSched: receiverSched ? 'idle' : 'normal',
        stealMs: steal0 === null || steal1 === null ? null : steal1 - steal0,
        p50Ms: load.p50Ms,
        p99Ms: load.p99Ms,
        rps: load.rps,
        loopP99Ms: loop.p99Ms,
        loopMaxMs: loop.maxMs,
        warmLoopMaxMs: warm.maxMs,
      };
    }
    return result;
  } finally {
    await server.close();
  }
}

export async function runServerGroups(ctx, { throughput, latency }) {
  const { opts, configs, log } = ctx;
  const runnable = configs.filter((c) => !c.missing);
  const perConfig = new Map(configs.map((c) => [c.id, []]));
  for (let round = 0; round < opts.rounds; round++) {
    // Rotate the starting point each round so no config always runs first or last.
    const order = runnable.map((_, i) => runnable[(i + round) % runnable.length]);
    for (const config of order) {
      try {
        const r = await measureServer(ctx, config, { throughput, latency });
        perConfig.get(config.id)[round] = r;
        const t = r.throughput;
        const l = r.latency;
        log(
          `  round ${round + 1}/${opts.rounds} ${config.id.padEnd(18)}` +
            (t
              ? ` ${t.rps.toFixed(0).padStart(6)} req/s ${t.cpuUsPerReq?.toFixed(1).padStart(5)} µs/req`
              : '') +
            (l ? `  c1 p50 ${l.p50Ms?.toFixed(3)} ms p99 ${l.p99Ms?.toFixed(3)} ms` : ''),
        );
      } catch (err) {
        perConfig.get(config.id)[round] = { error: String(err.message ?? err) };
        log(`  round ${round + 1} ${config.id}: ERROR ${String(err.message ?? err).split('\n')[0]}`);
      }
    }
  }
  const base = perConfig.get('none') ?? [];
  const out = { throughput: {}, latency: {} };
  for (const config of configs) {
    const rounds = perConfig.get(config.id);
    const row = { label: config.label, missing: config.missing };
    if (throughput) {
      const t = rounds.map((r) => r?.throughput);
      out.throughput[config.id] = {
        ...row,
        rps: summarize(t.map((x) => x?.rps)),
        ratioToUntraced: summarize(
          t.map((x, i) => (x && base[i]?.throughput ? x.rps / base[i].throughput.rps : NaN)),
        ),
        // The same ratio estimated from CPU per request (untraced ÷ traced, per round): what
        // throughput would be if the server core were the only bottleneck. Steadier than req/s
        // when other work on the machine starves the load generator.
        cpuRatioToUntraced: summarize(
          t.map((x, i) =>
            x?.cpuUsPerReq && base[i]?.throughput?.cpuUsPerReq
              ? base[i].throughput.cpuUsPerReq / x.cpuUsPerReq
              : NaN,
          ),
        ),
        cpuUsPerReq: summarize(t.map((x) => x?.cpuUsPerReq)),
        spansPerReq: summarize(t.map((x) => x?.spansPerReq ?? NaN)),
        receiverCpuUsPerReq: summarize(t.map((x) => x?.receiverCpuUsPerReq ?? NaN)),
        spansPerExport: summarize(t.map((x) => x?.spansPerExport ?? NaN)),
        bytesPerSpan: summarize(t.map((x) => x?.bytesPerSpan ?? NaN)),
        rssMB: summarize(t.map((x) => x?.rssMB)),
        p99Ms: summarize(t.map((x) => x?.p99Ms ?? NaN)),
        // Per round, against the untraced server's p99 in the same round.
        p99RatioToUntraced: summarize(
          t.map((x, i) =>
            x?.p99Ms && base[i]?.throughput?.p99Ms ? x.p99Ms / base[i].throughput.p99Ms : NaN,
          ),
        ),
        errors: rounds.filter((r) => r?.error).map((r) => r.error),
      };
    }
    if (latency) {
      const l = rounds.map((r) => r?.latency);
      out.latency[config.id] = {
        ...row,
        p50Ms: summarize(l.map((x) => x?.p50Ms)),
        p99Ms: summarize(l.map((x) => x?.p99Ms)),
        rpsAt1Connection: summarize(l.map((x) => x?.rps)),
        loopDelayP99Ms: summarize(l.map((x) => x?.loopP99Ms)),
        loopDelayMaxMs: summarize(l.map((x) => x?.loopMaxMs)),
        warmLoopDelayMaxMs: summarize(l.map((x) => x?.warmLoopMaxMs)),
        stealMs: summarize(l.map((x) => x?.stealMs ?? NaN)),
        errors: rounds.filter((r) => r?.error).map((r) => r.error),
      };
    }
  }
  return out;
}
