// What set wrk's p99 at one connection, from what bench/fixtures/latency-probe.cjs recorded in
// the server. At one connection wrk sends the next request as soon as it has read a response, so
// a request's latency is about the gap the server saw before it (the loop was busy, or wrk was
// late) plus the server's own time for it. wrk then adds, for every latency longer than the mean
// request interval, one sample per interval it spans (its coordinated-omission correction), which
// is why a few long stalls can set the p99. The model below does the same and is checked against
// wrk's own p99; then each kind of gap is taken out in turn to see how much of the p99 it makes.
import { readFileSync } from 'node:fs';
import { median } from './stats.mjs';

/** A gap this long (ms) is a stall, attributed to what overlapped it. */
const STALL_MS = 0.3;

/** The p-quantile (nearest rank below), for the p99 of the corrected samples. */
function percentile(values, p) {
  const sorted = Float64Array.from(values).sort();
  return sorted.length ? sorted[Math.floor((sorted.length - 1) * p)] : null;
}

function overlaps(a, b, intervals) {
  return intervals.some(([t, d]) => t < b && t + d > a);
}

/** wrk's latency histogram correction: extra samples l − k·interval while above one interval. */
function p99Corrected(latencies, interval) {
  const all = [...latencies];
  for (const l of latencies) for (let v = l - interval; v > interval; v -= interval) all.push(v);
  return percentile(all, 0.99);
}

/**
 * Reads one probe file. Returns the modelled p99 (ms), the modelled p99 with each cause's stalls
 * taken out (`without.gc`, `without.export`, `without.other`), and per cause the number of stalls
 * and their summed ms; plus GC and export counts with their median durations.
 */
export function latencyAnatomy(file) {
  const { starts, ends, gcs, calls } = JSON.parse(readFileSync(file, 'utf8'));
  const n = starts.length;
  if (n < 100) return null;
  const gaps = [];
  const causes = [];
  for (let i = 1; i < n; i++) {
    const gap = starts[i] - ends[i - 1];
    gaps.push(gap);
    if (gap <= STALL_MS) causes.push('none');
    else if (overlaps(ends[i - 1], starts[i], gcs)) causes.push('gc');
    else if (overlaps(ends[i - 1], starts[i], calls)) causes.push('export');
    else causes.push('other');
  }
  const typicalGap = median(gaps);
  const interval = (ends[n - 1] - starts[0]) / n;
  /** wrk's corrected p99, with the stalls of cause `without` (if any) replaced by a typical gap. */
  const model = (without) =>
    p99Corrected(
      gaps.map((gap, k) => (without === causes[k] ? typicalGap : gap) + ends[k + 1] - starts[k + 1]),
      interval,
    );
  const stalls = {};
  for (const cause of ['gc', 'export', 'other']) {
    const picked = gaps.filter((_, k) => causes[k] === cause);
    stalls[cause] = { count: picked.length, ms: picked.reduce((a, b) => a + b, 0) };
  }
  return {
    requests: n,
    p99Ms: model(undefined),
    without: { gc: model('gc'), export: model('export'), other: model('other') },
    stalls,
    gc: {
      count: gcs.length,
      p50Ms: median(gcs.map((g) => g[1])),
    },
    exports: {
      // The probe records three pieces per export (send, response, close); a failed call may lack one.
      count: Math.round(calls.length / 3),
      p50HoldMs: median(calls.map((c) => c[1])),
    },
  };
}
