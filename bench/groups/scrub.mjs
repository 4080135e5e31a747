// Secret scrubbing worst case: the slowest 256 KB string among the adversarial shapes of
// test/unit/redaction/adversarial-shapes.ts, the ones linear-time.test.ts runs (issue 20: `eyJ-`
// repeated once took 18.8 s). Goal: the maximum over all shapes ≤ 5 ms. The fixture imports the redactor from src/, so it
// is bundled first (lib/micro.mjs). Alone: npm run bench -- --only scrub
import { runBundledMicro } from '../lib/micro.mjs';

export async function runScrub(ctx) {
  const { opts, log } = ctx;
  const r = await runBundledMicro(opts, 'scrub-micro', { BENCH_RUNS: String(opts.scrubRuns) }, 120_000);
  log(
    `  worst 256 KB string, max over ${r.shapes.length} shapes: ${r.worst.ms.toFixed(2)} ms (${r.worst.name}); ` +
      `plain text ${r.plainMs.toFixed(2)} ms; goal ≤ 5 ms`,
  );
  return r;
}
