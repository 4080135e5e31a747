import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { log } from '../diag/index.js';
import { URGENT_DELAY_MILLIS } from '../export/index.js';
import { lazyRequire } from '../util/index.js';

/** At this share of V8's heap limit the export turns urgent: spans are exported as they end. */
export const HEAP_HIGH = 0.75;
/** Below this share it is relaxed again (apart from HEAP_HIGH, so it does not flap). */
export const HEAP_LOW = 0.6;
/**
 * How often the heap is read (a few µs a reading, off the request path): a leak fast enough to
 * cross from HEAP_HIGH to the limit between two readings is rare.
 */
export const HEAP_CHECK_MILLIS = 100;

/**
 * V8's `heap_size_limit` holds, besides the old generation, a reserve for the young one (three
 * semi-spaces): 48 MiB on Node 20 and 22, 96 on Node 26, 192 on Node 24. A process runs out of heap
 * when its old generation is full, with `used_heap_size` that far below `heap_size_limit` (at 64 of
 * 256 MiB on Node 24 under `--max-old-space-size=64`). No API tells the old generation's limit, so:
 * the `--max-old-space-size` given (command line, then NODE_OPTIONS), where a service caps its heap;
 * else V8's default, 4 GiB on a machine with 16 GiB or more (the reserve is then what is above it),
 * or, below that, `heap_size_limit` less the smallest reserve (the largest share is then ~5%).
 */
const MiB = 1024 * 1024;
const DEFAULT_OLD_LIMIT = 4096 * MiB;
const SMALLEST_YOUNG_RESERVE = 48 * MiB;

export interface HeapReading {
  /** Bytes in use on V8's heap. */
  readonly used: number;
  /** Where it runs out: the old generation's limit (`--max-old-space-size`, or V8's default). */
  readonly limit: number;
}

/**
 * A process that runs out of heap is not ended, it is aborted: V8 prints `FATAL ERROR: Reached
 * heap limit … JavaScript heap out of memory` and no JavaScript runs again, so no exit path can
 * send what waits in the batch queue. That was every span of the last `scheduledDelayMillis` (5 s
 * by default), the ones that show what led to the crash: 0 of ~290 in a process leaking 200 KB
 * every 10 ms under `--max-old-space-size=64` with a 10-minute batch delay. Nothing can be done at the abort itself, so the
 * heap is read every HEAP_CHECK_MILLIS instead: past HEAP_HIGH of its limit, `onUrgent(true)` has
 * spans exported within 100 ms of ending (the batch processors' `setUrgent`), and one line says so; below
 * HEAP_LOW, `onUrgent(false)`. A loop that allocates without yielding is not seen (no timer runs),
 * and spans still open at the abort are lost: the README's exit table says so.
 *
 * Returns the check (for tests) and the undo. The timer is unref'd: it never keeps the process.
 */
export function watchHeap(
  onUrgent: (urgent: boolean) => void,
  read: () => HeapReading = readHeap,
  every = HEAP_CHECK_MILLIS,
): { check: () => void; dispose: () => void } {
  let urgent = false;
  let said = false;
  const check = () => {
    let heap: HeapReading;
    try {
      heap = read();
    } catch {
      return;
    }
    if (!(heap.limit > 0)) return;
    const share = heap.used / heap.limit;
    if (!urgent && share >= HEAP_HIGH) {
      urgent = true;
      const line = `the V8 heap holds ${mib(heap.used)} of its ${mib(heap.limit)} limit (${Math.round(share * 100)}%): spans are exported within ${URGENT_DELAY_MILLIS} ms of ending, not every scheduledDelayMillis, until it is below ${HEAP_LOW * 100}%, so that a crash for lack of memory (which no exit path survives) loses as few as possible`;
      if (said) log.debug(line);
      else log.warn(line);
      said = true;
      onUrgent(true);
    } else if (urgent && share < HEAP_LOW) {
      urgent = false;
      log.debug(
        `the V8 heap is back to ${mib(heap.used)} of ${mib(heap.limit)}: spans are exported every scheduledDelayMillis again`,
      );
      onUrgent(false);
    }
  };
  // In no application context: the timer would hold whatever context initTracing ran in.
  const timer = context.with(ROOT_CONTEXT, () => setInterval(check, every));
  timer.unref();
  return { check, dispose: () => clearInterval(timer) };
}

let v8: typeof import('node:v8') | undefined;

/** This process's heap: what is used, and where it runs out. */
export function readHeap(): HeapReading {
  // Loaded at the first reading, off the start-up path.
  v8 ??= lazyRequire('node:v8') as typeof import('node:v8');
  const stats = v8.getHeapStatistics();
  oldLimit ??= oldGenerationLimit(stats.heap_size_limit, process.execArgv, process.env.NODE_OPTIONS);
  return { used: stats.used_heap_size, limit: oldLimit };
}

let oldLimit: number | undefined;

/** Where the old generation runs out, in bytes (above). */
export function oldGenerationLimit(
  heapSizeLimit: number,
  execArgv: readonly string[],
  nodeOptions = '',
): number {
  const given = maxOldSpace(execArgv) ?? maxOldSpace(nodeOptions.split(' '));
  if (given !== undefined && given * MiB < heapSizeLimit) return given * MiB;
  if (heapSizeLimit > DEFAULT_OLD_LIMIT + SMALLEST_YOUNG_RESERVE) return DEFAULT_OLD_LIMIT;
  return heapSizeLimit - SMALLEST_YOUNG_RESERVE;
}

/** The last `--max-old-space-size` among `args` (`=N`, or `N` as the next argument), in MiB. */
function maxOldSpace(args: readonly string[]): number | undefined {
  let found: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const name = arg.startsWith('--max-old-space-size') || arg.startsWith('--max_old_space_size');
    if (!name) continue;
    const rest = arg.slice('--max-old-space-size'.length);
    const value = rest === '' ? args[i + 1] : rest.startsWith('=') ? rest.slice(1) : undefined;
    const mib = Number(value);
    if (value !== undefined && value !== '' && Number.isFinite(mib) && mib > 0) found = mib;
  }
  return found;
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
