// OTLP encoding cost per span: ours (encoded as spans end, concatenated per request) against
// upstream's ProtobufTraceSerializer, in one pinned process. The fixture imports our encoder from
// src/, so it is bundled first (lib/micro.mjs).
import { runBundledMicro } from '../lib/micro.mjs';
import { summarize } from '../lib/stats.mjs';

export async function runEncode(ctx) {
  const { opts, log } = ctx;
  const r = await runBundledMicro(opts, 'encode-micro', { BENCH_PAIRS: String(opts.encodePairs) }, 300_000);
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
