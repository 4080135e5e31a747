// The receiver's CPU scheduling class during the one-connection latency window.
//
// Why: on 2 cores the receiver shares core 0 with the load generator. `perf sched record` during
// that window (2026-12-02, AlwaysOn, receiver at the normal class) showed wrk woken by the
// server's response but kept waiting 0.69–0.76 ms behind the receiver, which decodes each
// 512-span export in one ~0.7 ms slice; the Linux scheduler did not preempt it. wrk then records
// the wait as the server's latency, and its coordinated-omission correction adds a sample per
// request interval it spans. In a deployment the collector runs elsewhere. With the receiver in
// SCHED_IDLE for that window, a waking wrk takes the core at once (wrk waits over 0.2 ms: 300 →
// 49 in 4 s, none of them behind the receiver). The receiver still gets every idle moment of
// core 0, which at one connection is most of it. The throughput window keeps the normal class,
// so that at 50 connections the receiver is never starved and spans/request stays honest.
import { spawnSync } from 'node:child_process';

let available;
/** Whether `chrt` can change a process's scheduling class here (util-linux, Linux). */
function canSetSched() {
  if (available === undefined) {
    available =
      process.platform === 'linux' &&
      spawnSync('chrt', ['--idle', '0', 'true'], { stdio: 'ignore' }).status === 0;
  }
  return available;
}

/** Puts every thread of `pid` in SCHED_IDLE (`'idle'`) or back in SCHED_OTHER (`'normal'`). */
export function setSched(pid, policy) {
  if (!canSetSched() || !pid) return false;
  const flag = policy === 'idle' ? '--idle' : '--other';
  return spawnSync('chrt', [flag, '-a', '-p', '0', String(pid)], { stdio: 'ignore' }).status === 0;
}
