import { pinoMixin } from '@acme/otel';
import pino from 'pino';

/**
 * JSON lines on stdout; every line logged inside a span carries its trace_id / span_id / trace_flags.
 * @param {{ level?: string, destination?: { write(line: string): unknown } }} [options]
 */
export function createLogger(options = {}) {
  return pino(
    { level: options.level ?? 'info', base: { service: 'order-service' }, mixin: pinoMixin() },
    options.destination ?? pino.destination({ sync: true }),
  );
}
