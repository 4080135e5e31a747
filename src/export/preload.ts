import { lazyRequire } from '../util/index.js';
import { timeWork } from './work-timing.js';

/** What {@link runInIdleSteps} returns. */
export interface IdleSteps {
  /** Stops: no further step runs. */
  cancel(): void;
  /** Runs every step not yet run, now, in order (each timed and caught as in its own turn). */
  runAll(): void;
}

/**
 * Runs `steps` one per timer turn, starting `delayMillis` after the call, each `gapMillis` apart,
 * on unref'ed timers: nothing here keeps the process alive or runs during `--require` start-up.
 *
 * Why: the exporter's modules used to load inside the first export, a single 50–230 ms block of
 * the event loop in live traffic (issue #20, item 6). Loading them ahead, one small piece per turn
 * (node:net, node:crypto, node:tls, node:http2: each 1–3 ms on Node 20), leaves at most one small
 * piece between two application callbacks. A step that throws is skipped: the same load at the
 * first export then reports the error where it belongs.
 */
export function runInIdleSteps(steps: readonly (() => void)[], delayMillis = 50, gapMillis = 10): IdleSteps {
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  const runOne = () => {
    const step = steps[next++];
    if (step === undefined) return;
    try {
      timeWork(`preload: ${step.name || `step ${next}`}`, step);
    } catch {
      // Reported by the real load at the first export.
    }
  };
  const run = () => {
    timer = undefined;
    runOne();
    if (next < steps.length) arm(gapMillis);
  };
  const arm = (ms: number) => {
    timer = setTimeout(run, ms);
    timer.unref();
  };
  const cancel = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    next = steps.length;
  };
  if (steps.length > 0) arm(delayMillis);
  return {
    cancel,
    runAll() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      while (next < steps.length) runOne();
    },
  };
}

/** A step that requires one module (built-in or package) ahead of its first use. */
export function requireStep(id: string): () => void {
  const step = () => {
    lazyRequire(id);
  };
  // Its name in the work timings (work-timing.ts).
  Object.defineProperty(step, 'name', { value: `require ${id}` });
  return step;
}
