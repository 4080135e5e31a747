import type { Context } from '@opentelemetry/api';
import type { TraceFieldsOptions } from './trace-fields.js';
import { activeSpanContext, resolveFieldKeys, writeFields } from './trace-fields.js';

// Where @opentelemetry/instrumentation-winston stores the context it saw in `logger.write`: more
// accurate than the context at transform time when winston buffers a write.
const WINSTON_CONTEXT = Symbol.for('opentelemetry.js.contrib.winston.context');

/** A winston log record (logform's `TransformableInfo`). */
export interface WinstonInfo {
  level: string;
  message: unknown;
  [key: string | symbol]: unknown;
}

/** The shape winston's `format.combine` accepts: an object with `transform`. */
export interface WinstonFormat {
  transform(info: WinstonInfo, opts?: unknown): WinstonInfo;
}

/**
 * A winston format that adds the active span's `trace_id`, `span_id` and `trace_flags` to each
 * log record. Winston is an optional peer, so this returns a plain format object (what
 * `winston.format(fn)()` returns) instead of importing winston. Keys already on the record —
 * from the log call or `@opentelemetry/instrumentation-winston` — are left as they are.
 *
 * @example
 * import winston from 'winston';
 * import { winstonFormat } from '@acme/otel';
 *
 * const logger = winston.createLogger({
 *   format: winston.format.combine(winstonFormat(), winston.format.json()),
 *   transports: [new winston.transports.Console()],
 * });
 */
export function winstonFormat(options: TraceFieldsOptions = {}): WinstonFormat {
  const keys = resolveFieldKeys(options);
  return {
    transform(info) {
      const ctx = options.context ?? (info[WINSTON_CONTEXT] as Context | undefined);
      writeFields(info as Record<string, unknown>, keys, activeSpanContext(ctx));
      return info;
    },
  };
}
