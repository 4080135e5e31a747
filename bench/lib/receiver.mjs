// The local OTLP/gRPC receiver, always in its own child process (pinned away from the server)
// so its CPU never mixes with the measured server's. Prefers the project's shared receiver
// (test/support/receiver-cli.mjs); falls back to bench/fixtures/count-receiver.mjs, which only
// counts spans. An outage is simulated by killing the process and restarting it on the same port.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, ROOT } from './paths.mjs';
import { ask, CORE, firstJsonLine, start, stop } from './proc.mjs';
import { setSched } from './sched.mjs';

const SHARED_CLI = path.join(ROOT, 'test/support/receiver-cli.mjs');
const BUILTIN = path.join(FIXTURES, 'count-receiver.mjs');

export function receiverKind(preference) {
  if (preference === 'builtin') return 'builtin';
  if (existsSync(SHARED_CLI)) return 'shared';
  if (preference === 'shared') throw new Error(`--receiver shared: ${SHARED_CLI} does not exist yet`);
  return 'builtin';
}

// --no-retain: the shared receiver would otherwise keep every span of the run in memory.
// --count-only (once the CLI has it): skip decoding span bodies, which costs ~15 µs of receiver
// CPU per span and competes with the load generator on its core; with it the CLI also answers
// the IPC 'stats' message, so spans/request and B/span are reported as for the builtin receiver.
function sharedDefaultArgs() {
  const source = readFileSync(SHARED_CLI, 'utf8');
  return source.includes("'count-only'") ? '--no-retain --count-only --http 0' : '--no-retain';
}

function sharedArgs() {
  return (process.env.BENCH_RECEIVER_ARGS ?? sharedDefaultArgs()).split(' ').filter(Boolean);
}

function portOf(endpoint) {
  const match = /:(\d+)\/?$/.exec(String(endpoint));
  return match ? Number(match[1]) : null;
}

async function spawnReceiver(kind, port, pin, httpPort) {
  const script = kind === 'shared' ? SHARED_CLI : BUILTIN;
  let extra = kind === 'shared' ? sharedArgs() : [];
  // A restart (outage) keeps the HTTP port too.
  if (httpPort && extra.includes('--http'))
    extra = extra.map((a, i) => (extra[i - 1] === '--http' ? String(httpPort) : a));
  const child = start(process.execPath, [script, '--port', String(port), ...extra], {
    core: pin ? CORE.receiver : null,
    ipc: true,
    cwd: ROOT,
  });
  const ready = await firstJsonLine(child);
  const endpoint = ready.endpoint?.startsWith('http') ? ready.endpoint : `http://${ready.endpoint}`;
  const httpEndpoint = ready.httpEndpoint ?? null;
  return { child, endpoint, port: portOf(endpoint) ?? ready.port, httpEndpoint };
}

/** CPU time (user + system, ms) of `pid` from /proc; null where /proc is absent. */
function procCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 Hz on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/**
 * Starts a receiver. Returns { kind, endpoint, stats(), stop(), restart() }. stats() resolves
 * { cpuMs, requests?, spans? }: CPU from /proc, counts only from a receiver that answers the IPC
 * 'stats' message (the builtin one, and the shared CLI with --count-only).
 */
export async function startReceiver({ preference = null, pin = true } = {}) {
  const kind = receiverKind(preference);
  const countsOverIpc = kind === 'shared' && sharedArgs().includes('--count-only');
  let current = await spawnReceiver(kind, 0, pin);
  const port = current.port;
  const httpPort = current.httpEndpoint ? Number(new URL(current.httpEndpoint).port) : null;
  return {
    kind,
    endpoint: current.endpoint,
    /** OTLP/HTTP traces URL, or null when the receiver has none (the builtin one). */
    httpEndpoint: current.httpEndpoint,
    async stats() {
      if (!current) return null;
      const cpuMs = procCpuMs(current.child.pid);
      if (kind !== 'builtin' && !countsOverIpc) return { cpuMs };
      try {
        return { cpuMs, ...(await ask(current.child, 'stats', 'stats', 1_000)) };
      } catch {
        return { cpuMs };
      }
    },
    async stop() {
      if (current) await stop(current.child, 1_000);
      current = null;
    },
    /** Scheduling class of the receiver process (see sched.mjs): 'idle' | 'normal'. */
    setSched(policy) {
      return current ? setSched(current.child.pid, policy) : false;
    },
    async restart() {
      if (current) await stop(current.child, 1_000);
      current = await spawnReceiver(kind, port, pin, httpPort);
    },
  };
}
