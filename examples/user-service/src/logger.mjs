import { winstonFormat } from '@acme/otel';
import winston from 'winston';

/**
 * JSON lines on stdout; every line logged inside a span carries trace_id / span_id / trace_flags.
 * @param {{ level?: string, transport?: import('winston').transport }} [options]
 * @returns {import('winston').Logger}
 */
export function createLogger(options = {}) {
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { service: 'user-service' },
    format: winston.format.combine(winston.format.timestamp(), winstonFormat(), winston.format.json()),
    transports: [options.transport ?? new winston.transports.Console()],
  });
}
