import { DiagLogLevel, diag } from '@opentelemetry/api';
import type { LogLevel } from '../types.js';
import { log } from './log.js';
import { LogLimiter } from './log-limiter.js';

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
 * The cause of an upstream diag line: its message with numbers and ids blanked (a component logger
 * passes its namespace as the message and the text as the first argument, so that is part of it
 * too). Ids are runs of 8 or more hex digits: the SDK's span warnings ("You can only call end() on
 * a span once", "Cannot execute the operation on ended Span") name the span's trace and span ids,
 * so a double `end()` in every request was 64 causes, 64 lines at once. Bounded, and built with
 * linear-time replaces only.
 */
export function diagCause(message: string, args: readonly unknown[]): string {
  const first = typeof args[0] === 'string' ? ` ${args[0]}` : '';
  return `${message}${first}`.slice(0, 160).replace(/[0-9a-f]{8,}|\d+/gi, '#');
}

/**
 * Variables resolveConfig() reads, checks and reports itself, and whose value it hands to the SDK
 * explicitly. Upstream reads several of them again (sdk-trace-base's BasicTracerProvider builds an
 * env sampler and env limits even when given both; the OTLP exporters read the OTLP_* ones), and
 * its warnings about them would be a second line for one bad value — sometimes a false one
 * ("OTEL_TRACES_SAMPLER_ARG is blank" for `abc`). Those go to debug instead.
 */
const RESOLVED_HERE: ReadonlySet<string> = new Set([
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
  'OTEL_ATTRIBUTE_COUNT_LIMIT',
  'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT',
  'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT',
  'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT',
  'OTEL_SPAN_EVENT_COUNT_LIMIT',
  'OTEL_SPAN_LINK_COUNT_LIMIT',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TIMEOUT',
  'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
  'OTEL_EXPORTER_OTLP_COMPRESSION',
  'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  'OTEL_BSP_SCHEDULE_DELAY',
  'OTEL_BSP_EXPORT_TIMEOUT',
  'OTEL_BSP_MAX_QUEUE_SIZE',
  'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
  'OTEL_EXPORTER_OTLP_CERTIFICATE',
  'OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE',
  'OTEL_EXPORTER_OTLP_CLIENT_KEY',
  'OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY',
  'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE',
  'OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE',
]);

// The OTLP/HTTP exporter's words for a bad OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT and an unreadable
// certificate file (exporter.ts reports those by name); they name neither variable nor value.
const UNNAMED_MESSAGES = [
  'environment-provided export URL',
  'Provided URL appended with',
  'Failed to read root certificate file',
  'Failed to read client certificate chain file',
  'Failed to read client certificate private key file',
];

/** Whether `message` from upstream is about a variable we already reported on (see RESOLVED_HERE). */
export function isResolvedHere(message: string): boolean {
  for (const name of message.match(/OTEL_[A-Z0-9_]+/g) ?? []) if (RESOLVED_HERE.has(name)) return true;
  return UNNAMED_MESSAGES.some((text) => message.includes(text));
}

/** Route the SDK's own diagnostics through our prefixed logger at the same level. */
export function setOtelDiag(level: LogLevel): void {
  // OTel's INFO level is mostly registration chatter; keep it at WARN unless debugging.
  const otelLevel = level === 'info' ? DiagLogLevel.WARN : DIAG_LEVELS[level];
  const text = (message: string, args: unknown[]) =>
    `(otel) ${message}${args.length > 0 ? ` ${args.map(String).join(' ')}` : ''}`;
  const limited =
    (lvl: 'error' | 'warn' | 'info') =>
    (message: string, ...args: unknown[]) => {
      // A variable we already reported on ourselves: upstream's line would be a second (or false) one.
      if (isResolvedHere(`${message} ${typeof args[0] === 'string' ? args[0] : ''}`))
        log.debug(`${text(message, args)} (superseded)`);
      else limiter.log(lvl, diagCause(message, args), text(message, args));
    };
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
