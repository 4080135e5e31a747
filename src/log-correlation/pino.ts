import type { TraceFieldsOptions } from './trace-fields.js';
import { activeSpanContext, resolveFieldKeys, writeFields } from './trace-fields.js';

/**
 * A pino `mixin` that adds the active span's `trace_id`, `span_id` and `trace_flags` to every
 * line. Works in ESM and CJS, with no patching. When `@opentelemetry/instrumentation-pino` is
 * active too, both produce the same keys and values, merged into one object: no duplicates.
 * Fields passed in the log call itself win.
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
): (mergeObject?: object) => Record<string, string> {
  const keys = resolveFieldKeys(options);
  return function acmeOtelMixin(): Record<string, string> {
    return writeFields({}, keys, activeSpanContext(options.context));
  };
}
