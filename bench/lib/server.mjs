// One measured server process: start it pinned, talk to it over IPC, end it.
import path from 'node:path';
import { tracingEnv } from './configs.mjs';
import { FIXTURES, ROOT } from './paths.mjs';
import { ask, CORE, firstJsonLine, start, stop } from './proc.mjs';

const SERVER = path.join(FIXTURES, 'server.cjs');

/**
 * Starts `config` against `endpoint`; resolves { url, stats(), heap(), close() }. Pinned to the
 * server's core unless `core` names another (the outgoing group's target takes the load core).
 */
export async function startServer(config, endpoint, { pin, nodeArgs = [], core = CORE.server }) {
  const args = [...nodeArgs, ...(config.preload ? ['--require', config.preload] : []), SERVER];
  // config.node: another Node.js binary for this server (bench/ab.mjs BENCH_NODE=).
  const child = start(config.node ?? process.execPath, args, {
    core: pin ? core : null,
    env: tracingEnv(endpoint, config.env),
    ipc: true,
    cwd: ROOT,
  });
  const ready = await firstJsonLine(child, 30_000);
  if (ready.error) {
    await stop(child, 500);
    throw new Error(`${config.id} failed to start: ${ready.error}`);
  }
  return {
    pid: child.pid,
    url: `http://127.0.0.1:${ready.port}/`,
    stats: () => ask(child, 'stats'),
    heap: () => ask(child, 'heap'),
    loopStart: () => child.send('loop-start'),
    loopStop: () => ask(child, 'loop-stop'),
    warmLoopStop: () => ask(child, 'warm-loop-stop'),
    stderr: () => child.err,
    async close() {
      // 'exit' rather than SIGTERM: the upstream register turns SIGTERM into a flush that
      // never exits, and --cpu-prof only writes its profile on a normal exit.
      if (child.connected) child.send('exit');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await child.exited;
      clearTimeout(timer);
    },
    kill: () => stop(child, 500),
  };
}

/** CPU µs per request (and its system part) and request count between two server stats snapshots. */
export function cpuPerRequest(before, after) {
  const requests = after.requests - before.requests;
  const systemUs = after.cpu.system - before.cpu.system;
  const cpuUs = after.cpu.user - before.cpu.user + systemUs;
  return {
    requests,
    cpuUs,
    cpuUsPerReq: requests > 0 ? cpuUs / requests : null,
    systemUsPerReq: requests > 0 ? systemUs / requests : null,
  };
}
