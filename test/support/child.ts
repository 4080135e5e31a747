import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface Child {
  proc: ChildProcess;
  output(): string;
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/**
 * This process's environment without `OTEL_*`, `ACME_OTEL_*` and `NODE_OPTIONS` (the shell's or
 * CI's would change what a child does), with the cloud resource detectors off, plus `env`.
 */
export function cleanEnv(env: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('OTEL_') && !k.startsWith('ACME_OTEL_') && k !== 'NODE_OPTIONS')
      base[k] = v;
  }
  return { ...base, OTEL_NODE_RESOURCE_DETECTORS: 'none', ...env };
}

/** Spawn `node ...args` from the repo root (or `cwd`) with a clean OTEL_* environment plus `env`. */
export function spawnNode(args: string[], env: Record<string, string> = {}, cwd = repoRoot): Child {
  const started = Date.now();
  const proc = spawn(process.execPath, args, {
    cwd,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  // Node emits 'exit' when the child ends, possibly before its last output has been read from the
  // pipes (a CONFIG line missing from an exit-0 run under a loaded CI). So `exited` waits for both
  // pipes to close too, at most 2 s: a grandchild that inherited them (a cluster worker) may hold
  // them open after the child itself is gone.
  const drained = Promise.all(
    [proc.stdout, proc.stderr].map((stream) =>
      stream && !stream.destroyed ? new Promise<void>((resolve) => stream.once('close', resolve)) : undefined,
    ),
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((resolve) =>
    proc.on('exit', (code, signal) => {
      const result = { code, signal, ms: Date.now() - started };
      const bound = setTimeout(() => resolve(result), 2000);
      void drained.then(() => {
        clearTimeout(bound);
        resolve(result);
      });
    }),
  );
  return {
    proc,
    output: () => out,
    exited,
    waitForOutput(text, timeoutMs = 15_000) {
      const matches = () => (typeof text === 'string' ? out.includes(text) : text.test(out));
      if (matches()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${String(text)} in child output:\n${out}`));
        }, timeoutMs);
        const check = () => {
          if (matches()) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
        void exited.then(() => {
          if (!matches()) {
            clearTimeout(timer);
            reject(new Error(`child exited before printing ${String(text)}:\n${out}`));
          }
        });
      });
    },
  };
}
