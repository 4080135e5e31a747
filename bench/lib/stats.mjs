// Median with min–max: how every repeated figure in the bench is reported.

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** { median, min, max, n, samples } of the finite values. */
export function summarize(values) {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return { median: null, min: null, max: null, n: 0, samples: [] };
  return { median: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length, samples: v };
}

/**
 * Round by round, `a`'s figure less `b`'s: both sides were measured in the same round (rounds
 * interleave the variants), so a host that drifts between rounds moves each pair alike. Pairs
 * with a missing or non-finite side are left out.
 */
export function paired(a, b) {
  const out = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = a[i] - b[i];
    if (Number.isFinite(d)) out.push(d);
  }
  return out;
}

/** Least-squares slope of y over x. */
export function slope(xs, ys) {
  const n = xs.length;
  if (n < 2) return null;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? null : num / den;
}
