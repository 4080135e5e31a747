// OTLP encoding cost per span: ours (encoded as spans end, concatenated per request) against
// upstream's ProtobufTraceSerializer, in one pinned process. The fixture imports our encoder from
// src/, so it is bundled with esbuild (tsup's own) into bench/.tmp/ first.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, FIXTURES, ROOT } from '../lib/paths.mjs';
import { CORE, firstJsonLine, start } from '../lib/proc.mjs';
import { summarize } from '../lib/stats.mjs';

export async function runEncode(ctx) {
  const { opts, log } = ctx;
  const outDir = path.join(BENCH_DIR, '.tmp');
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, 'encode-micro.mjs');
  const { build } = await import('esbuild');
  await build({
    entryPoints: [path.join(FIXTURES, 'encode-micro.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  const child = start(process.execPath, [outfile], {
    core: opts.pin ? CORE.server : null,
    cwd: ROOT,
    env: { ...process.env, BENCH_PAIRS: String(opts.encodePairs) },
  });
  const r = await firstJsonLine(child, 300_000);
  await child.exited;
  const out = {
    spansPerRequest: r.spans,
    bytes: r.bytes,
    oursNsPerSpan: summarize(r.oursNsPerSpan),
    upstreamNsPerSpan: summarize(r.upstreamNsPerSpan),
    ratio: summarize(r.ratios),
  };
  log(
    `  ours ${out.oursNsPerSpan.median?.toFixed(0)} ns/span; upstream ${out.upstreamNsPerSpan.median?.toFixed(0)} ns/span; ratio ${out.ratio.median?.toFixed(3)}; request bytes equal ${r.bytes.ours === r.bytes.upstream}`,
  );
  return out;
}
