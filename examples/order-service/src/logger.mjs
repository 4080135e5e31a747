import { createRequire } from 'node:module';
import { pinoMixin } from '@acme/otel';

// `require`, not `import`: ESM imports bypass the require hook the auto-instrumentations use
// (start with `node --import @acme/otel/register` if you prefer `import pino from 'pino'`).
const require = createRequire(import.meta.url);
const pino = require('pino');

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
