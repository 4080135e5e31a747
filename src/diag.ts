import { writeSync } from 'node:fs';
import type { LogLevel } from './types.js';

const PREFIX = '[@acme/otel]';

const RANK: Record<LogLevel, number> = { none: 0, error: 1, warn: 2, info: 3, debug: 4, verbose: 5, all: 6 };

export type LogSink = (level: 'error' | 'warn' | 'info' | 'debug', line: string) => void;

// stderr for everything: stdout belongs to the application. Written straight to fd 2: the first
// `console` call sets up a stream for stderr (net or tty, and streams: ~3 ms of start-up when
// stderr is a pipe) that an application printing nothing itself never needs. Where fd 2 cannot
// take the whole line at once (EAGAIN on a non-blocking pipe), process.stderr queues the rest.
const defaultSink: LogSink = (_level, line) => {
  const bytes = Buffer.from(`${line}\n`);
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(2, bytes, written);
  } catch {
    // The console queues what is left (a whole line when nothing was written).
    process.stderr.write(bytes.subarray(written));
  }
};

interface LoggerState {
  level: LogLevel;
  sink: LogSink;
  once: Set<string>;
}

// One state per process even when both the ESM and CJS builds are loaded.
const STATE_KEY = Symbol.for('@acme/otel/logger');
const g = globalThis as { [STATE_KEY]?: LoggerState };
if (g[STATE_KEY] === undefined) g[STATE_KEY] = { level: 'info', sink: defaultSink, once: new Set() };
const state: LoggerState = g[STATE_KEY];

function emit(level: 'error' | 'warn' | 'info' | 'debug', message: string): void {
  if (RANK[state.level] < RANK[level]) return;
  try {
    state.sink(level, `${PREFIX} ${message}`);
  } catch {
    // Logging must never break the host.
  }
}

/** The internal logger. Every line starts with `[@acme/otel]`. */
export const log = {
  error: (message: string) => emit('error', message),
  warn: (message: string) => emit('warn', message),
  info: (message: string) => emit('info', message),
  debug: (message: string) => emit('debug', message),
  /** Warn once per distinct key for the life of the process (or until `resetLogger`). */
  warnOnce(key: string, message: string): void {
    if (state.once.has(key)) return;
    state.once.add(key);
    emit('warn', message);
  },
  enabled: (level: 'error' | 'warn' | 'info' | 'debug') => RANK[state.level] >= RANK[level],
};

export function setLogLevel(level: LogLevel): void {
  state.level = level;
}

export function getLogLevel(): LogLevel {
  return state.level;
}

/** Redirect internal log lines (tests). Returns the previous sink. */
export function setLogSink(sink: LogSink | undefined): LogSink {
  const previous = state.sink;
  state.sink = sink ?? defaultSink;
  return previous;
}

/** Forget which warnings were already shown (tests). */
export function resetLogger(): void {
  state.once.clear();
  state.level = 'info';
  state.sink = defaultSink;
}
