// The load generator: wrk when present (installed with apt-get when missing and running as
// root), else autocannon in its own process. Pinned to the load core; loopback only.
import { spawnSync } from 'node:child_process';
import { resolveFromRoot } from './paths.mjs';
import { CORE, run } from './proc.mjs';

function hasWrk() {
  return spawnSync('wrk', ['--version']).error === undefined;
}

/** Picks the load generator; may apt-get install wrk. Returns 'wrk' | 'autocannon'. */
export function chooseLoadgen(preference) {
  if (preference === 'autocannon') return 'autocannon';
  if (hasWrk()) return 'wrk';
  if (process.getuid?.() === 0 && process.platform === 'linux') {
    console.log('[bench] wrk not found; apt-get install -y wrk ...');
    const r = spawnSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'ignore', timeout: 180_000 });
    if (r.status === 0 && hasWrk()) return 'wrk';
  }
  if (preference === 'wrk') throw new Error('--loadgen wrk: wrk is not installed and could not be installed');
  console.log('[bench] wrk unavailable; using autocannon (in its own process)');
  return 'autocannon';
}

const UNIT_MS = { us: 1e-3, ms: 1, s: 1e3, m: 60e3 };

function toMs(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  return m ? Number(m[1]) * UNIT_MS[m[2]] : null;
}

export function parseWrk(out) {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const pct = (p) => {
    const m = new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out);
    return m ? toMs(m[1]) : null;
  };
  const errors = /Socket errors: (.*)/.exec(out)?.[1] ?? null;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return { rps, requests, p50Ms: pct(50), p99Ms: pct(99), errors, non2xx };
}

/**
 * Drives `url` for `seconds` with `connections` connections.
 * Resolves { tool, rps, requests, p50Ms, p99Ms, errors, non2xx }.
 */
export async function drive(tool, url, { seconds, connections, pin }) {
  const core = pin ? CORE.load : null;
  if (tool === 'wrk') {
    const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '5s', '--latency', url];
    const r = await run('wrk', args, { core });
    if (r.code !== 0) throw new Error(`wrk failed (${r.code}): ${r.err || r.out}`);
    return { tool, ...parseWrk(r.out) };
  }
  const bin = resolveFromRoot('autocannon/autocannon.js');
  const r = await run(process.execPath, [bin, '-c', String(connections), '-d', String(seconds), '-j', url], {
    core,
  });
  if (r.code !== 0) throw new Error(`autocannon failed (${r.code}): ${r.err.slice(-500)}`);
  const j = JSON.parse(r.out);
  return {
    tool,
    rps: j.requests.total / j.duration,
    requests: j.requests.total,
    p50Ms: j.latency.p50,
    p99Ms: j.latency.p99,
    errors: j.errors ? `errors ${j.errors}, timeouts ${j.timeouts}` : null,
    non2xx: j.non2xx ?? 0,
  };
}
