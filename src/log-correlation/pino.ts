import { log } from '../diag/index.js';
import { clearField, fieldGuard } from './pino-guard.js';
import { nestedFieldsToTopLevel } from './pino-nested.js';
import { pinoSymbolValue } from './pino-state.js';
import type { ResolvedFieldKeys, TraceFieldsOptions } from './trace-fields.js';
import { activeSpanContext, keepFromCall, resolveFieldKeys, writeFields } from './trace-fields.js';

/**
 * On the mixin's object when a span is active: the names of the fields that are the span's, for
 * {@link pinoMergeStrategy}. An enumerable symbol: pino writes no symbol key, and
 * `Object.assign` (instrumentation-pino's merge with our mixin) copies it along.
 */
const SPAN_FIELDS = Symbol('@acme/otel/span-fields');

type MixinFields = Record<string, string | undefined> & { [SPAN_FIELDS]?: readonly string[] };

/**
 * A pino `mixin` that adds the active span's `trace_id`, `span_id` and `trace_flags` to every
 * line. Works in ESM and CJS, with no patching. When `@opentelemetry/instrumentation-pino` is
 * active too, both produce the same keys and values, merged into one object: no duplicates.
 * A child logger's bindings (`logger.child({ trace_id })`) are left as they are. While a span is
 * active, its ids are written whatever the log call passes under those names
 * (`logger.info(req.query)` with `?trace_id=…`): a different value of the call's is kept as
 * `trace_id_from_call`, said once. When another mixin merges ours into its own object
 * (instrumentation-pino constructed by the app), that takes {@link pinoMergeStrategy} too.
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
  const names = fieldNames(keys);
  const guard = fieldGuard(names);
  const bound = new WeakMap<object, BoundKeys>();
  return function acmeOtelMixin(mergeObject, _level, logger): Record<string, string | undefined> {
    const spanContext = activeSpanContext(options.context);
    const fields = writeFields<MixinFields>({}, keys, spanContext);
    if (spanContext !== undefined) {
      fields[SPAN_FIELDS] = names;
      // Only a call that passes one of our names can replace the span's: the accessors (and the
      // dictionary-mode object they make) doubled what a line cost, for every line.
      if (callSets(mergeObject, names)) guard(fields);
    }
    const target = guardedTarget;
    guardedTarget = undefined;
    if (typeof logger !== 'object' || logger === null) return fields;
    // `undefined`, not a deleted key: pino writes no undefined value, and with
    // @opentelemetry/instrumentation-pino active (initTracing's default) our fields are assigned
    // over its own, so this also takes back the copy it added.
    for (const key of boundKeys(bound, logger, keys)) clearField(fields, key);
    nestedFieldsToTopLevel(fields, names, logger);
    if (target !== undefined) {
      // Its guard ignores the undefined we assign: take the copies back there directly.
      for (const name of names) if (fields[name] === undefined) clearField(target, name);
    } else if (spanContext !== undefined) {
      warnIfCallWins(mergeObject, fields, logger, acmeOtelMixin);
    }
    return fields;
  };
}

/**
 * A pino `mixinMergeStrategy` for {@link pinoMixin}: the log call's fields are merged as pino's
 * default does, except the correlation fields while a span is active, which stay the span's (a
 * different value of the call's is kept as `trace_id_from_call`, said once). pinoMixin's own
 * object does this without it; it is needed when another mixin merges pinoMixin's fields into its
 * own object (instrumentation-pino constructed by the app rather than by initTracing). With no
 * span, the call's fields win as before.
 *
 * @example
 * import pino from 'pino';
 * import { pinoMergeStrategy, pinoMixin } from '@acme/otel';
 *
 * const logger = pino({ mixin: pinoMixin(), mixinMergeStrategy: pinoMergeStrategy });
 */
export function pinoMergeStrategy(mergeObject: object, mixinObject: object): object {
  const mixed = mixinObject as MixinFields;
  const names = mixed[SPAN_FIELDS];
  if (names === undefined) return Object.assign(mixed, mergeObject);
  const ours = names.map((name) => mixed[name]);
  Object.assign(mixed, mergeObject);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const mine = ours[i];
    // undefined: a key the child logger's bindings hold (left to them).
    if (mine === undefined || mixed[name] === mine) continue;
    if (mixed[name] !== undefined) keepFromCall(mixed, name, mixed[name]);
    mixed[name] = mine;
  }
  return mixed;
}

/** Whether the log call's object has one of `names` of its own (pino's merge copies those only). */
function callSets(mergeObject: unknown, names: readonly string[]): boolean {
  if (mergeObject === null || typeof mergeObject !== 'object') return false;
  try {
    for (const name of names) if (Object.hasOwn(mergeObject, name)) return true;
    return false;
  } catch {
    return true; // a Proxy whose trap throws: guard, as before
  }
}

function fieldNames(keys: ResolvedFieldKeys): readonly string[] {
  return keys.traceFlags === false
    ? [keys.traceId, keys.spanId]
    : [keys.traceId, keys.spanId, keys.traceFlags];
}

/**
 * Our object's accessors keep the span's ids when pino's default merge assigns the call's fields
 * into it; when another mixin merges ours into its own object (instrumentation-pino constructed
 * outside initTracing) or a merge strategy of the app's copies them, only pinoMergeStrategy does.
 * Said once when a call's ids win that way.
 */
function warnIfCallWins(mergeObject: unknown, fields: MixinFields, logger: object, ours: unknown): void {
  if (mergeObject === null || typeof mergeObject !== 'object') return;
  try {
    const strategy = pinoSymbolValue(logger, 'pino.mixinMergeStrategy');
    if (strategy === pinoMergeStrategy) return;
    // pino's default merge assigns into our object, through its accessors.
    if (strategy == null && pinoSymbolValue(logger, 'pino.mixin') === ours) return;
    const names = fields[SPAN_FIELDS] ?? [];
    const merge = mergeObject as Record<string, unknown>;
    const differs = (name: string) =>
      fields[name] !== undefined && merge[name] !== undefined && merge[name] !== fields[name];
    if (!names.some(differs)) return;
  } catch {
    return; // a getter of the call's object threw: pino will say so itself
  }
  log.warnOnce(
    'pino: the call wins',
    "a pino log call passed its own trace_id/span_id while a span was active, and pino wrote the call's: another mixin or the logger's mixinMergeStrategy copies pinoMixin's fields into an object of its own (a log line can be pointed at another trace); use mixinMergeStrategy: pinoMergeStrategy",
  );
}

/**
 * The guarded object the instrumentation's mixin just returned: upstream merges the logger's own
 * mixin (pinoMixin, called right after it in the same expression) into it. A call's ids cannot win
 * there (nothing to warn about), and the keys pinoMixin leaves out (a child's bindings, fields
 * moved to the top level) have to be taken out of it as well.
 */
let guardedTarget: Record<string, unknown> | undefined;

/**
 * For a mixin that is not ours (instrumentation-pino's, which initTracing enables): takes out of
 * its fields the keys the logger's bindings hold (a child logger's bound `trace_id` and the
 * instrumentation's were both written, a line Elasticsearch refuses whole), and guards the span's
 * against a log call's (`logger.info(req.query)` with `?trace_id=…`), as pinoMixin does.
 */
export function pinoBindingsFilter(): (
  fields: Record<string, unknown>,
  logger: unknown,
  mergeObject: unknown,
) => Record<string, unknown> {
  // instrumentation-pino's default names, which our settings keep (settings.ts).
  const resolved = resolveFieldKeys();
  const guard = fieldGuard(fieldNames(resolved));
  const bound = new WeakMap<object, BoundKeys>();
  const names = fieldNames(resolved);
  return (fields, logger, mergeObject) => {
    // The instrumentation writes nothing with no span: then the call's fields are the line's.
    if (fields[resolved.traceId] !== undefined && callSets(mergeObject, names)) guard(fields);
    // Without the logger, upstream is merging the logger's own mixin into this object next.
    guardedTarget = logger === undefined && fields[resolved.traceId] !== undefined ? fields : undefined;
    if (typeof logger !== 'object' || logger === null) return fields;
    for (const key of boundKeys(bound, logger, resolved)) clearField(fields, key);
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

function serializedBindings(logger: object): unknown {
  return pinoSymbolValue(logger, 'pino.chindings');
}
