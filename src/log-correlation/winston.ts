import type { Context } from '@opentelemetry/api';
import { log } from '../diag/index.js';
import type { TraceFieldsOptions } from './trace-fields.js';
import { activeSpanContext, claimFields, resolveFieldKeys } from './trace-fields.js';

// Where @opentelemetry/instrumentation-winston stores the context it saw in `logger.write`: more
// accurate than the context at transform time when winston buffers a write.
const WINSTON_CONTEXT = Symbol.for('opentelemetry.js.contrib.winston.context');
// triple-beam's MESSAGE: the finished line, written by json(), printf(), simple() and the like.
const MESSAGE = Symbol.for('message');

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
 * `winston.format(fn)()` returns) instead of importing winston. With a span active, its ids are
 * written whatever the log call passed under those names (`logger.info('x', req.query)` cannot
 * point the line at another trace); a different value of the call's is kept as `trace_id_from_call`.
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
      claimFields(info as Record<string, unknown>, keys, activeSpanContext(ctx));
      if (typeof info[MESSAGE] === 'string') {
        // combine(json(), winstonFormat()), or json() on the logger and this on a transport: the
        // line was finished before the ids were added, and went out without them, silently.
        log.warnOnce(
          'winston: after a finalizer',
          'winstonFormat() ran after a format that had already written the line (json(), printf(), simple()…): the trace fields are on the record but not in that line. Put winstonFormat() before it in format.combine, on the logger.',
        );
      }
      return info;
    },
  };
}
