import { DiagLogLevel, diag } from '@opentelemetry/api';
import { log } from './diag.js';
import { LogLimiter } from './log-limiter.js';
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

// Upstream logs per call (an export delegate warns on every failed or odd answer, several lines a
// second while a collector misbehaves): at most one line per cause per minute, with counts.
const limiter = new LogLimiter();

/**
 * The cause of an upstream diag line: its message with numbers blanked (a component logger passes
 * its namespace as the message and the text as the first argument, so that is part of it too).
 * Bounded and built with linear-time replaces only.
 */
export function diagCause(message: string, args: readonly unknown[]): string {
  const first = typeof args[0] === 'string' ? ` ${args[0]}` : '';
  return `${message}${first}`.slice(0, 160).replace(/\d+/g, '#');
}

/** Route the SDK's own diagnostics through our prefixed logger at the same level. */
export function setOtelDiag(level: LogLevel): void {
  // OTel's INFO level is mostly registration chatter; keep it at WARN unless debugging.
  const otelLevel = level === 'info' ? DiagLogLevel.WARN : DIAG_LEVELS[level];
  const text = (message: string, args: unknown[]) =>
    `(otel) ${message}${args.length > 0 ? ` ${args.map(String).join(' ')}` : ''}`;
  const limited =
    (lvl: 'error' | 'warn' | 'info') =>
    (message: string, ...args: unknown[]) =>
      limiter.log(lvl, diagCause(message, args), text(message, args));
  // Debug and verbose are asked for, to see every call: not limited.
  const plain =
    (fn: (m: string) => void) =>
    (message: string, ...args: unknown[]) =>
      fn(text(message, args));
  diag.setLogger(
    {
      error: limited('error'),
      warn: limited('warn'),
      info: limited('info'),
      debug: plain(log.debug),
      verbose: plain(log.debug),
    },
    { logLevel: otelLevel, suppressOverrideMessage: true },
  );
}
