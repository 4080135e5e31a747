import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { log } from '../diag/log.js';
import { errorMessage } from '../errors.js';
import { gateRequire } from '../instrumentations/require-gate.js';
import { API_GLOBAL_KEY } from '../instrumentations/upstream-internals.js';

/**
 * Starts tracing; returns how to hand a channel message that fired the start to the subscriber
 * the start just created (the channel had already chosen whom to tell).
 */
export type Start = () => ((channel: string, message: unknown) => void) | undefined;

/** Fires the deferred start (once; later calls return undefined). */
export type Fire = (cause: string) => ReturnType<Start>;

/** Everything through which a span could be started or a context kept before the start. */
export interface Triggers {
  /** Packages and built-ins whose first require() starts tracing (before the require proceeds). */
  readonly modules: ReadonlySet<string>;
  /** Diagnostics channels whose first message starts tracing (then gets the message). */
  readonly channels: readonly string[];
  /** Other triggers (the ESM import hook): each arms itself and returns how to disarm. */
  readonly arms?: readonly ((fire: Fire) => () => void)[];
}

// One pending start per process, shared by the CommonJS and ES builds: a register entry defers,
// another register entry, `getTracingHandle()` or `initTracing()` in the same process runs it first.
const PENDING_KEY = Symbol.for('@acme/otel/pending-start');
const slot = globalThis as { [PENDING_KEY]?: (cause: string) => void };

/**
 * Defer `start` until the application first needs tracing, so a process that never does (a
 * script, a CLI, a build tool under a NODE_OPTIONS preload) pays for none of it: not the
 * OpenTelemetry API, not the SDK, not our pipeline. It runs, synchronously and once, at the
 * first of:
 * - a require() of a module we instrument (`http`, `pg`, …) or of `worker_threads`, before that
 *   require proceeds, so the module is patched as if tracing had started with the process;
 * - any use of the OpenTelemetry API by any copy of it (a bundled one included), ES module or
 *   CommonJS: every API call that reads the globals reads this key first, so the tracer,
 *   context or propagator it asks for is ours, not a no-op;
 * - the first message on one of `channels`: node:http's request start for a server imported as
 *   an ES module, fetch's request create; the message is then handed to the subscriber the
 *   start created, so that request is traced too;
 * - `arms`: with `--import`, the first ES import of a module we instrument (its loader hook wraps
 *   them), handed on to the lazy loader's import hook (src/sdk/register-deferred.ts).
 *
 * Nothing can make a span before one of those: a span needs the API, and the incoming and
 * outgoing paths we trace without the API's help are the modules and channels above.
 */
export function deferStart(start: Start, triggers: Triggers): void {
  let armed = true;
  const disarm: (() => void)[] = [];
  const fire: Fire = (cause) => {
    if (!armed) return undefined;
    armed = false;
    for (const undo of disarm) undo();
    if (slot[PENDING_KEY] === fire) delete slot[PENDING_KEY];
    log.debug(`starting tracing (first ${cause})`);
    try {
      return start();
    } catch (error) {
      log.error(`tracing could not start: ${errorMessage(error)}; the application runs untraced`);
      return undefined;
    }
  };
  slot[PENDING_KEY] = fire;
  disarm.push(gateRequire(triggers.modules, (id) => fire(`require() of ${id}`)));
  disarm.push(trapApiGlobal(() => fire('use of the OpenTelemetry API')));
  for (const channel of triggers.channels) {
    const onMessage = (message: unknown) => {
      const deliver = fire(`message on ${channel}`);
      deliver?.(channel, message);
    };
    subscribe(channel, onMessage);
    disarm.push(() => unsubscribe(channel, onMessage));
  }
  for (const arm of triggers.arms ?? []) disarm.push(arm(fire));
}

/** Runs a deferred start now, if one is pending (`initTracing()`, `getTracingHandle()`, `--import`). */
export function runPendingStart(cause: string): void {
  slot[PENDING_KEY]?.(cause);
}

/** Whether a deferred start is waiting for its first trigger. */
export function startIsPending(): boolean {
  return slot[PENDING_KEY] !== undefined;
}

/**
 * Fire on the first read or write of the API's global slot, by any copy of the API, then step
 * aside: the slot is removed before `fire` runs, so the start registers the globals as usual
 * and the read that fired sees them.
 */
function trapApiGlobal(fire: () => void): () => void {
  const global = globalThis as Record<symbol, unknown>;
  // Something registered already (another SDK in this process): nothing to wait for here.
  if (Object.getOwnPropertyDescriptor(global, API_GLOBAL_KEY) !== undefined) return () => undefined;
  let trapped = true;
  const release = () => {
    if (!trapped) return;
    trapped = false;
    delete global[API_GLOBAL_KEY];
  };
  Object.defineProperty(global, API_GLOBAL_KEY, {
    configurable: true,
    enumerable: false,
    get() {
      release();
      fire();
      return global[API_GLOBAL_KEY];
    },
    set(value: unknown) {
      release();
      fire();
      // What the API wrote wins over what the start registered, as without the trap.
      global[API_GLOBAL_KEY] = value;
    },
  });
  return release;
}
