import { DiagLogLevel, diag } from '@opentelemetry/api';
import { log } from './diag.js';
import type { LogLevel } from './types.js';

const DIAG_LEVELS: Record<LogLevel, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

/** Route the SDK's own diagnostics through our prefixed logger at the same level. */
export function setOtelDiag(level: LogLevel): void {
  // OTel's INFO level is mostly registration chatter; keep it at WARN unless debugging.
  const otelLevel = level === 'info' ? DiagLogLevel.WARN : DIAG_LEVELS[level];
  const write =
    (fn: (m: string) => void) =>
    (message: string, ...args: unknown[]) =>
      fn(`(otel) ${message}${args.length > 0 ? ` ${args.map(String).join(' ')}` : ''}`);
  diag.setLogger(
    {
      error: write(log.error),
      warn: write(log.warn),
      info: write(log.info),
      debug: write(log.debug),
      verbose: write(log.debug),
    },
    { logLevel: otelLevel, suppressOverrideMessage: true },
  );
}
