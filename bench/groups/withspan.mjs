// withSpan() micro cost versus raw tracer.startActiveSpan + end, in one pinned process.
import path from 'node:path';
import { acmeIndexWithInitTracing, tracingEnv } from '../lib/configs.mjs';
import { FIXTURES, ROOT } from '../lib/paths.mjs';
import { CORE, firstJsonLine, start } from '../lib/proc.mjs';
import { summarize } from '../lib/stats.mjs';

export async function runWithSpan(ctx) {
  const { opts, receiver, log } = ctx;
  const index =
    acmeIndexWithInitTracing(['initTracing', 'withSpan']) ?? acmeIndexWithInitTracing(['initTracing']);
  const child = start(process.execPath, [path.join(FIXTURES, 'withspan-micro.mjs')], {
    core: opts.pin ? CORE.server : null,
    cwd: ROOT,
    env: tracingEnv(receiver.endpoint, {
      BENCH_ACME_INDEX: index ?? '',
      BENCH_PAIRS: String(opts.withSpanPairs),
      BENCH_CHUNK: String(opts.withSpanChunk),
    }),
  });
  const r = await firstJsonLine(child, 300_000);
  await child.exited;
  const out = {
    provider: r.provider,
    spansPerChunk: opts.withSpanChunk,
    pairs: opts.withSpanPairs,
    rawNsPerOp: summarize(r.rawNsPerOp),
    withSpanNsPerOp: summarize(r.withSpanNsPerOp),
    ratio: summarize(r.ratios),
    missing: r.withSpanNsPerOp.length ? null : 'not built yet (withSpan not exported from dist/index.js)',
  };
  log(
    `  raw startActiveSpan+end ${out.rawNsPerOp.median?.toFixed(0)} ns/op` +
      (out.missing
        ? `; withSpan ${out.missing}`
        : `; withSpan ${out.withSpanNsPerOp.median?.toFixed(0)} ns/op; ratio ${out.ratio.median?.toFixed(3)}`),
  );
  return out;
}
