import { formatTextLine } from '@acme/otel';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Plain text lines in the shape a log shipper's regex already knows:
 * `2025-01-31T12:00:00.000Z INFO  payment-service [trace_id=… span_id=…] message`.
 * @param {{ level?: keyof typeof LEVELS, write?: (line: string) => void }} [options]
 */
export function createLogger(options = {}) {
  const threshold = LEVELS[options.level ?? 'info'] ?? LEVELS.info;
  const write = options.write ?? ((line) => process.stdout.write(line));
  /** @param {keyof typeof LEVELS} level */
  const at = (level) => (/** @type {string} */ message) => {
    if (LEVELS[level] >= threshold)
      write(`${formatTextLine(message, { level, service: 'payment-service' })}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** @typedef {ReturnType<typeof createLogger>} Logger */
