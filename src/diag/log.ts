import { writeSync } from 'node:fs';
import type { LogLevel, RedactionOptions } from '../types.js';
import { requireEntry } from '../util/internal-entry.js';
import { printable } from '../util/printable.js';
import { cut } from '../util/quote.js';
import { inWorkerThread } from '../util/worker-thread.js';

/** What every line of ours starts with. */
export const PREFIX = '[@acme/otel]';

const RANK: Record<LogLevel, number> = { none: 0, error: 1, warn: 2, info: 3, debug: 4, verbose: 5, all: 6 };

export type LogSink = (level: 'error' | 'warn' | 'info' | 'debug', line: string) => void;

// stderr for everything: stdout belongs to the application. Written straight to fd 2: the first
// `console` call sets up a stream for stderr (net or tty, and streams: ~3 ms of start-up when
// stderr is a pipe) that an application printing nothing itself never needs. Where fd 2 cannot
// take the whole line at once (EAGAIN on a non-blocking pipe), process.stderr queues the rest.
const defaultSink: LogSink = (_level, line) => {
  if (inWorkerThread()) {
    // fd 2 is the process's: a Worker's `stderr: true`, which captures the thread's
    // process.stderr, missed our lines, and they went to the parent's terminal instead.
    process.stderr.write(`${line}\n`);
    return;
  }
  if (stderrGone) return;
  const bytes = Buffer.from(`${line}\n`);
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(2, bytes, written);
  } catch (error) {
    // stderr is gone (EPIPE: the pipe's reader exited, as `node app.js 2>&1 | head` does; EBADF):
    // nowhere to say anything, now or later. Handed to process.stderr, the line raised the same
    // error as an 'error' event, which with no listener crashed an app that untraced went on.
    if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') {
      stderrGone = true;
      return;
    }
    queueOnStderr(bytes.subarray(written));
  }
};

let stderrGone = false;

/**
 * The rest of a line fd 2 could not take now, queued on process.stderr. Should the pipe's reader
 * go away before it drains, the stream's 'error' event would crash the app: while the write is
 * pending, and only when the app has no 'error' listener of its own there, one of ours takes it.
 * The write's callback runs before that event, so the listener stays after a failed write and
 * goes with the event.
 */
function queueOnStderr(rest: Buffer): void {
  const stderr = process.stderr;
  const guard =
    stderr.listenerCount('error') === 0
      ? () => {
          stderrGone = true;
        }
      : undefined;
  if (guard) stderr.once('error', guard);
  stderr.write(rest, (error) => {
    if (guard && !error) stderr.off('error', guard);
  });
}

/** One-time warnings of one family (keys made from data) shown at most; then one line says so. */
export const ONCE_PER_FAMILY = 8;
/** Distinct one-time warnings shown at most in a process. */
export const ONCE_KEYS = 1024;

interface LoggerState {
  level: LogLevel;
  sink: LogSink;
  once: Set<string>;
  /** One-time warnings shown per family (`''`: those without one); Infinity once capped. */
  families?: Map<string, number>;
  /** The rules lines are scrubbed by (the config's `redaction`); undefined: the default rules. */
  redaction?: Readonly<RedactionOptions> | false | undefined;
  /** Scrubs a message before it is written: built from `redaction` on the first line. */
  scrub?: ((message: string) => string) | undefined;
  /** What builds `scrub`: the scrubber's, set when it loads (src/redaction/shared.ts). */
  scrubbers?: Scrubbers | undefined;
}

/** What the scrubber gives our log lines (src/redaction/shared.ts). */
export interface Scrubbers {
  /** The text scrubber for a `redaction` option (`false` and undefined: the default rules). */
  textFor(redaction: Readonly<RedactionOptions> | false | undefined): (message: string) => string;
  /** A URL without its secret query parameters and userinfo password (src/redaction/url.ts). */
  url(url: string): string;
}

// One state per process even when both the ESM and CJS builds are loaded.
const STATE_KEY = Symbol.for('@acme/otel/logger');
const g = globalThis as { [STATE_KEY]?: LoggerState };
if (g[STATE_KEY] === undefined) g[STATE_KEY] = { level: 'info', sink: defaultSink, once: new Set() };
const state: LoggerState = g[STATE_KEY];

// Our lines quote error messages, URLs and config values, and stderr leaves the process like an
// export does: a failed detached task logged `password=…` and bearer tokens that its span had
// scrubbed (issue 20). Every line goes through the same scrubber as span attributes.
function scrubbed(message: string): string {
  try {
    state.scrub ??= scrubbers().textFor(state.redaction);
    const scrub = state.scrub;
    return message.includes('" (trace ') ? scrubAroundIds(message, scrub) : scrub(message);
  } catch {
    // Fail closed: the line's existence is still worth showing.
    return '(message withheld: it could not be scrubbed)';
  }
}

/**
 * The scrubber's builder. The scrubber (~170 KB of code) sets it when it loads, which the library
 * does when tracing starts (the resource is scrubbed); a line written before that, as the register
 * entries' config warnings are, loads it here (dist/log-scrubber.js). Not imported by this file:
 * an application under `--require`/`--import` that never starts tracing, or starts it later, does
 * not compile it at start-up (6-15 ms of an empty app's start, on Node 22 and 20).
 */
function scrubbers(): Scrubbers {
  if (state.scrubbers === undefined) {
    const entry = requireEntry('log-scrubber') as { scrubbers?: Scrubbers };
    state.scrubbers ??= entry.scrubbers;
  }
  const loaded = state.scrubbers;
  if (loaded === undefined) throw new Error('the scrubber did not load');
  return loaded;
}

/** Installs the scrubber's builders (src/redaction/shared.ts, when it loads). */
export function setScrubbers(loaded: Scrubbers): void {
  state.scrubbers = loaded;
  state.scrub = undefined;
}

/**
 * A URL shown in a line or an error message (a config value): without its userinfo password and
 * secret query parameters; `[REDACTED]` whole should the scrubber fail.
 */
export function scrubUrlForLog(url: string): string {
  try {
    return scrubbers().url(url);
  } catch {
    return '[REDACTED]';
  }
}

/**
 * `text` scrubbed as a log line is: for text from outside that a line shows cut (a collector's
 * error answer, otlp/error-answer.ts), scrubbed before the cut so that no half secret escapes.
 */
export function scrubForLog(text: string): string {
  return scrubbed(text);
}

/**
 * The ids of our span labels (`span "name" (trace 0af7…, span b7ad…)`, src/export/span-label.ts)
 * after the quoted name: the closing quote is not escaped (`\"`), so a name cannot forge one.
 */
const SPAN_LABEL_IDS = /(?<!\\)" \(trace [0-9a-f]{32}, span [0-9a-f]{16}\)/g;

/**
 * Scrubs the line but our span labels' ids: a span id of 16 digits that passes Luhn (about 2 in
 * 100,000) looked like a card number to the scrubber. Ids are random hex, never user data.
 */
function scrubAroundIds(message: string, scrub: (text: string) => string): string {
  let out = '';
  let from = 0;
  for (const match of message.matchAll(SPAN_LABEL_IDS)) {
    const ids = match.index + 1; // the quote stays with the name
    out += scrub(message.slice(from, ids)) + match[0].slice(1);
    from = match.index + match[0].length;
  }
  return out + scrub(message.slice(from));
}

/** The longest message a line shows, in characters; a longer one is cut (after scrubbing: no half-secret). */
export const MAX_LINE = 8192;

function emit(level: 'error' | 'warn' | 'info' | 'debug', message: string, alreadyScrubbed = false): void {
  if (RANK[state.level] < RANK[level]) return;
  try {
    // One line per message, whatever it quotes (printable.ts), of bounded length.
    state.sink(level, `${PREFIX} ${cut(printable(alreadyScrubbed ? message : scrubbed(message)), MAX_LINE)}`);
  } catch {
    // Logging must never break the host.
  }
}

/** The internal logger. Every line starts with `[@acme/otel]`. */
export const log = {
  error: (message: string) => emit('error', message),
  warn: (message: string) => emit('warn', message),
  /**
   * `alreadyScrubbed`: a line built only from values scrubbed on the way in (the start-up summary),
   * so start-up does not pay for compiling the scrubber's regexes (~1 ms) before any span needs them.
   */
  info: (message: string, alreadyScrubbed = false) => emit('info', message, alreadyScrubbed),
  debug: (message: string) => emit('debug', message),
  /**
   * Warn once per distinct key for the life of the process (or until `resetLogger`). Keys made from
   * data (a baggage key the application was handed) name a `family`: past
   * {@link ONCE_PER_FAMILY} keys of one family, one more line says the rest go unsaid, so neither
   * stderr nor the set of keys grows with what clients send. Past {@link ONCE_KEYS} keys in all,
   * the same for every family.
   */
  warnOnce(key: string, message: string, family?: string): void {
    if (state.once.has(key)) return;
    if (state.families === undefined) state.families = new Map();
    const families = state.families;
    const group = family ?? '';
    const seen = families.get(group) ?? 0;
    if ((family !== undefined && seen >= ONCE_PER_FAMILY) || state.once.size >= ONCE_KEYS) {
      const last = `\0more:${group}`;
      if (seen === Number.POSITIVE_INFINITY) return;
      families.set(group, Number.POSITIVE_INFINITY);
      emit(
        'warn',
        family !== undefined && seen >= ONCE_PER_FAMILY
          ? `further warnings about ${family} are not shown (${ONCE_PER_FAMILY} were, each for a different value)`
          : `further one-time warnings are not shown (${ONCE_KEYS} different ones were)`,
      );
      state.once.add(last);
      return;
    }
    families.set(group, seen + 1);
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

/** Scrub log lines with the configured redaction rules (undefined: the default rules). */
export function setLogRedaction(redaction: Readonly<RedactionOptions> | false | undefined): void {
  state.redaction = redaction;
  state.scrub = undefined;
}

/** Forget which warnings were already shown (tests). */
export function resetLogger(): void {
  state.once.clear();
  state.families?.clear();
  state.level = 'info';
  state.sink = defaultSink;
  state.redaction = undefined;
  state.scrub = undefined;
}
