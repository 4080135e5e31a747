import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { cleanEnv, repoRoot } from './child.js';

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Node flags, before the script. */
  flags?: string[];
  /** Resolves when the child may be signalled (after it printed `ready`), then sends this signal. */
  signal?: NodeJS.Signals;
  /** With `signal`: sends it this many ms after `ready` instead of at once. */
  signalAfterMs?: number;
  /** With `signal`: sends it again this many ms after the first (a second Ctrl-C). */
  againAfterMs?: number;
  timeoutMs?: number;
  /** Closes our end of the child's stderr at once: its writes there fail with EPIPE. */
  stderrClosed?: boolean;
}

/**
 * Runs `node [flags] [--require dist/register.cjs] script` from the repo root with a clean OTEL_*
 * environment, stdout and stderr apart. With `signal`, sends it once the child printed `ready`.
 */
export function runNode(script: string, traced: boolean, options: RunOptions = {}): Promise<Run> {
  const args = [...(options.flags ?? []), ...(traced ? ['--require', './dist/register.cjs'] : []), script];
  const started = Date.now();
  const proc = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: cleanEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The reader goes away before the child has written anything (a pipe into `head` that exited).
  if (options.stderrClosed) proc.stderr.destroy();
  let stdout = '';
  let stderr = '';
  let signalled = false;
  const kill = setTimeout(() => proc.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  proc.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (options.signal && !signalled && stdout.includes('ready')) {
      signalled = true;
      const signal = options.signal;
      const send = () => {
        proc.kill(signal);
        if (options.againAfterMs !== undefined) setTimeout(() => proc.kill(signal), options.againAfterMs);
      };
      if (options.signalAfterMs === undefined) send();
      else setTimeout(send, options.signalAfterMs);
    }
  });
  proc.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => {
    proc.on('close', (code, signal) => {
      clearTimeout(kill);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** stderr without our own lines (`[@acme/otel] …`) and without stack frames (`    at …`), which
 * differ where instrumentation wraps a callback. What remains: Node's print-out of the error, the
 * source line with its caret, the error's name, message and properties, and the Node.js version. */
export function nodeStderr(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !line.startsWith('[@acme/otel]') && !/^ {4}at /.test(line))
    .join('\n')
    .replace(/\(node:\d+\)/g, '(node:PID)');
}

/** How the process ended as a shell sees it: 128 + n for a signal. */
export function exitStatus(run: Run): number | null {
  if (run.code !== null) return run.code;
  return run.signal ? 128 + (constants.signals[run.signal] ?? 0) : null;
}
