// Keeps idle CPUs polling instead of halting while the bench runs: writes 0 to
// /dev/cpu_dma_latency and holds the file open (the kernel's PM QoS request lasts as long as the
// descriptor; cyclictest and tuned's latency-performance profile do the same). Why: on a VM a
// halted vCPU is woken by an inter-processor interrupt, and on loopback the server's response
// write does that wake-up of the idle load generator inside its own send (perf:
// tcp_rcv_established → sock_def_readable, ~5 µs per request here at AlwaysOn against ~1.5 µs
// untraced, since a slower server leaves the load generator idle more often). That cost belongs
// to the harness, not to the server being measured: over a real network the client is elsewhere.
// Needs root; without it (or the device) the bench runs as before and says so.
import { closeSync, openSync, writeSync } from 'node:fs';

const DEVICE = '/dev/cpu_dma_latency';

/** Starts holding; returns { held, reason, release() }. */
export function holdIdlePoll(enabled) {
  if (!enabled) return { held: false, reason: 'off (--no-idle-poll)', release() {} };
  let fd;
  try {
    fd = openSync(DEVICE, 'w');
    const zero = Buffer.alloc(4); // a 32-bit 0: the latency limit in µs
    writeSync(fd, zero);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    return { held: false, reason: `${DEVICE}: ${err.code ?? err.message}`, release() {} };
  }
  return {
    held: true,
    reason: `${DEVICE} held at 0`,
    release() {
      try {
        closeSync(fd);
      } catch {}
    },
  };
}
