import { format } from 'node:util';
import { log } from '../diag/index.js';
import type { TextLineOptions } from './text.js';
import { formatTextLine } from './text.js';

const METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;
type Method = (typeof METHODS)[number];
const LEVEL: Record<Method, string> = {
  log: 'info',
  info: 'info',
  warn: 'warn',
  error: 'error',
  debug: 'debug',
};

type ConsoleLike = Pick<Console, Method>;

/** Options for {@link correlatedConsole}. */
export interface CorrelatedConsoleOptions extends Pick<TextLineOptions, 'service' | 'whenNoSpan'> {
  /** Console to write through (and to patch with `patch: true`). @default globalThis.console */
  console?: ConsoleLike;
  /** Replace the methods of that console in place, until `restore()`. @default false */
  patch?: boolean;
  /** Prefix lines with an ISO timestamp. @default true */
  timestamp?: boolean;
}

/** A console whose lines carry the active span's ids. */
export interface CorrelatedConsole extends ConsoleLike {
  /**
   * Put the original methods back (only does something after `patch: true`). A method that
   * another library wrapped since (Sentry's console breadcrumbs) is left to it, and ours under it
   * writes as the original did. Idempotent.
   */
  restore(): void;
}

/** A console patched in place: the correlated console that patched it, and the methods it had. */
interface Patch {
  readonly out: CorrelatedConsole;
  readonly saved: Record<Method, unknown>;
}

// One patch per console object, shared by the ESM and CJS builds.
const PATCHES_KEY = Symbol.for('@acme/otel/console-patches');
const g = globalThis as { [PATCHES_KEY]?: WeakMap<object, Patch> };
g[PATCHES_KEY] ??= new WeakMap();
const patches: WeakMap<object, Patch> = g[PATCHES_KEY];

/**
 * A console-like object whose lines are formatted by {@link formatTextLine}:
 * `2025-01-31T12:00:00.000Z WARN  order-service [trace_id=… span_id=…] stock low`.
 * Opt-in twice over: nothing changes until you use the returned object, or pass `patch: true`
 * to rewrite `console.log/info/warn/error/debug` in place (undo with `restore()`).
 *
 * @example
 * import { correlatedConsole } from '@acme/otel';
 *
 * const out = correlatedConsole({ service: 'order-service' });
 * out.info('order %s created', 'o-1');
 *
 * const patched = correlatedConsole({ service: 'order-service', patch: true });
 * console.warn('now correlated');
 * patched.restore();
 */
export function correlatedConsole(options: CorrelatedConsoleOptions = {}): CorrelatedConsole {
  const target = options.console ?? globalThis.console;
  const existing = patches.get(target);
  if (options.patch && existing) {
    log.warnOnce(
      'console/double-patch',
      'correlatedConsole({ patch: true }) called twice; the console is already patched.',
    );
    return existing.out;
  }
  // A patched console's methods would format the line a second time: write through the methods
  // it had before the patch.
  const originals = {} as Record<Method, (...args: unknown[]) => void>;
  for (const method of METHODS) {
    const write = (existing?.saved[method] ?? target[method]) as (...args: unknown[]) => void;
    originals[method] = write.bind(target);
  }

  const lineOptions: TextLineOptions = {};
  if (options.service !== undefined) lineOptions.service = options.service;
  if (options.whenNoSpan !== undefined) lineOptions.whenNoSpan = options.whenNoSpan;
  const timestamp = options.timestamp ?? true;

  const writer = (method: Method) =>
    function correlated(...args: unknown[]): void {
      if (restored) {
        originals[method](...args);
        return;
      }
      originals[method](
        formatTextLine(format(...args), {
          ...lineOptions,
          level: LEVEL[method],
          timestamp: timestamp ? new Date() : false,
        }),
      );
    };

  let restored = false;
  const out = {
    log: writer('log'),
    info: writer('info'),
    warn: writer('warn'),
    error: writer('error'),
    debug: writer('debug'),
    restore() {
      if (restored || !options.patch) return;
      restored = true;
      // Putting ours back over a wrapper added since would silently remove that wrapper.
      for (const method of METHODS) {
        if (target[method] === out[method]) (target as Record<Method, unknown>)[method] = saved[method];
      }
      patches.delete(target);
    },
  } satisfies CorrelatedConsole;

  const saved = {} as Record<Method, unknown>;
  if (options.patch) {
    for (const method of METHODS) {
      saved[method] = target[method];
      (target as Record<Method, unknown>)[method] = out[method];
    }
    patches.set(target, { out, saved });
  }
  return out;
}
