// `npm run bench` entry: node bench/run.mjs [--quick] [--only startup,throughput,latency,memory,withspan,encode,outage,scrub,exit,outgoing]
// Builds dist/ (once, unless --no-build), starts the local OTLP/gRPC receiver in its own process, runs the
// selected groups, prints tables and writes bench/results/results.json. See bench/README.md.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runEncode } from './groups/encode.mjs';
import { runExit } from './groups/exit.mjs';
import { runMemory } from './groups/memory.mjs';
import { runOutage } from './groups/outage.mjs';
import { runOutgoing } from './groups/outgoing.mjs';
import { runScrub } from './groups/scrub.mjs';
import { runServerGroups } from './groups/servers.mjs';
import { runStartup } from './groups/startup.mjs';
import { runWithSpan } from './groups/withspan.mjs';
import { ensureBuilt } from './lib/build.mjs';
import { serverConfigs } from './lib/configs.mjs';
import { holdIdlePoll } from './lib/idle.mjs';
import { chooseLoadgen } from './lib/loadgen.mjs';
import { machineInfo, packageVersions } from './lib/machine.mjs';
import { parseOptions } from './lib/options.mjs';
import { BENCH_DIR } from './lib/paths.mjs';
import { canPin } from './lib/proc.mjs';
import { startReceiver } from './lib/receiver.mjs';
import { printReport } from './lib/report.mjs';

const log = (line) => console.log(line);

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  const groups = new Set(opts.groups);
  const build = ensureBuilt({ always: opts.build });
  const pinned = opts.pin && canPin();
  const needsLoad = ['throughput', 'latency', 'memory', 'outage'].some((g) => groups.has(g));
  const loadgen = needsLoad ? chooseLoadgen(opts.loadgen) : null;
  let configs = serverConfigs();
  if (opts.configs) configs = configs.filter((c) => c.id === 'none' || opts.configs.includes(c.id));
  const ctx = { opts: { ...opts, pin: pinned }, configs, loadgen, log };

  const results = {
    date: new Date().toISOString(),
    machine: machineInfo(),
    versions: packageVersions(),
    options: opts,
    build,
    loadgen,
    pinned,
    idlePoll: null,
    receiverKind: null,
  };

  const idle = holdIdlePoll(opts.idlePoll);
  results.idlePoll = idle.held;
  log(`[bench] idle CPUs poll: ${idle.reason}`);

  const receiver = await startReceiver({ preference: opts.receiver, pin: pinned });
  results.receiverKind = receiver.kind;
  ctx.receiver = receiver;
  log(
    `[bench] receiver (${receiver.kind}) at ${receiver.endpoint}; load generator ${loadgen ?? 'n/a'}; pinned ${pinned}`,
  );
  try {
    if (groups.has('startup')) {
      log('[bench] start-up');
      results.startup = await runStartup(ctx);
    }
    if (groups.has('throughput') || groups.has('latency')) {
      log('[bench] servers (throughput / latency)');
      const r = await runServerGroups(ctx, {
        throughput: groups.has('throughput'),
        latency: groups.has('latency'),
      });
      if (groups.has('throughput')) results.throughput = r.throughput;
      if (groups.has('latency')) results.latency = r.latency;
    }
    if (groups.has('memory')) {
      log('[bench] memory under sustained load');
      results.memory = await runMemory(ctx);
    }
    if (groups.has('withspan')) {
      log('[bench] withSpan micro cost');
      results.withSpan = await runWithSpan(ctx);
    }
    if (groups.has('encode')) {
      log('[bench] OTLP encoding');
      results.encode = await runEncode(ctx);
    }
    if (groups.has('scrub')) {
      log('[bench] secret scrubbing, worst 256 KB string');
      results.scrub = await runScrub(ctx);
    }
    if (groups.has('outage')) {
      log('[bench] collector outage');
      results.outage = await runOutage(ctx);
    }
    if (groups.has('exit')) {
      log('[bench] exit latency');
      results.exit = await runExit(ctx);
    }
    if (groups.has('outgoing')) {
      log('[bench] outgoing HTTP calls, client CPU');
      results.outgoing = await runOutgoing(ctx);
    }
  } finally {
    await receiver.stop();
    idle.release();
  }

  printReport(results);
  const out = opts.out ?? path.join(BENCH_DIR, 'results', 'results.json');
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`\n[bench] wrote ${path.relative(process.cwd(), out)}`);
}

main().catch((err) => {
  console.error(`[bench] ${err.stack ?? err}`);
  process.exit(1);
});
