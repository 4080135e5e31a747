import type { ResolvedFieldKeys, TraceFieldsOptions } from './trace-fields.js';
import { activeSpanContext, resolveFieldKeys, writeFields } from './trace-fields.js';

/**
 * A pino `mixin` that adds the active span's `trace_id`, `span_id` and `trace_flags` to every
 * line. Works in ESM and CJS, with no patching. When `@opentelemetry/instrumentation-pino` is
 * active too, both produce the same keys and values, merged into one object: no duplicates.
 * Fields passed in the log call itself win, and so do a child logger's bindings.
 *
 * @example
 * import pino from 'pino';
 * import { pinoMixin } from '@acme/otel';
 *
 * const logger = pino({ mixin: pinoMixin() });
 * logger.info('order created'); // {"level":30,...,"trace_id":"…","span_id":"…","trace_flags":"01","msg":"order created"}
 */
export function pinoMixin(
  options: TraceFieldsOptions = {},
): (mergeObject?: object, level?: number, logger?: object) => Record<string, string | undefined> {
  const keys = resolveFieldKeys(options);
  const bound = new WeakMap<object, BoundKeys>();
  return function acmeOtelMixin(_mergeObject, _level, logger): Record<string, string | undefined> {
    const fields = writeFields<Record<string, string | undefined>>(
      {},
      keys,
      activeSpanContext(options.context),
    );
    if (typeof logger !== 'object' || logger === null) return fields;
    // `undefined`, not a deleted key: pino writes no undefined value, and with
    // @opentelemetry/instrumentation-pino active (initTracing's default) our fields are assigned
    // over its own, so this also takes back the copy it added.
    for (const key of boundKeys(bound, logger, keys)) fields[key] = undefined;
    return fields;
  };
}

/** Which of our keys a logger's bindings hold, for the bindings pino had when it was computed. */
interface BoundKeys {
  readonly chindings: unknown;
  readonly keys: readonly string[];
}
const NONE: readonly string[] = [];

/**
 * pino writes a logger's bindings (`logger.child({ trace_id })`, `base`) as they are, before the
 * mixin's fields: the same key twice in one JSON line, which Elasticsearch refuses whole
 * ("Duplicate field"). So a key the bindings hold is left to them. They are read once per logger,
 * again only when pino's serialized bindings (a private symbol, found by its description)
 * change, as `setBindings` does.
 */
function boundKeys(
  cache: WeakMap<object, BoundKeys>,
  logger: object,
  keys: ResolvedFieldKeys,
): readonly string[] {
  const chindings = serializedBindings(logger);
  const cached = cache.get(logger);
  if (cached !== undefined && cached.chindings === chindings) return cached.keys;
  let held = NONE;
  // A child per request (pino-http) is the common case: its bindings are parsed only when their
  // text names one of our keys.
  if (typeof chindings === 'string' && !namesAKey(chindings, keys)) {
    cache.set(logger, { chindings, keys: held });
    return held;
  }
  try {
    const bindings = (logger as { bindings?: () => unknown }).bindings?.();
    if (bindings !== null && typeof bindings === 'object') {
      const names = [keys.traceId, keys.spanId, keys.traceFlags].filter((k): k is string => k !== false);
      held = names.filter((k) => Object.hasOwn(bindings, k));
    }
  } catch {}
  cache.set(logger, { chindings, keys: held });
  return held;
}

function namesAKey(chindings: string, keys: ResolvedFieldKeys): boolean {
  return [keys.traceId, keys.spanId, keys.traceFlags].some(
    (k) => k !== false && chindings.includes(`${JSON.stringify(k)}:`),
  );
}

let chindingsSymbol: symbol | undefined;

function serializedBindings(logger: object): unknown {
  if (chindingsSymbol === undefined || !(chindingsSymbol in logger)) {
    chindingsSymbol = Object.getOwnPropertySymbols(logger).find((s) => s.description === 'pino.chindings');
    if (chindingsSymbol === undefined) return undefined;
  }
  return (logger as Record<symbol, unknown>)[chindingsSymbol];
}
