// Child-process helpers. Every child the bench starts is tracked and killed on exit, so an
// interrupted run never leaves a server, receiver or load generator behind.
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';

const children = new Set();

function killAll() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {}
  }
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    killAll();
    process.exit(128 + os.constants.signals[sig]);
  });
}

let tasksetAvailable;
/** Whether processes can be pinned: `taskset` present and at least 2 CPUs. */
export function canPin() {
  if (tasksetAvailable === undefined) {
    tasksetAvailable = os.cpus().length >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  }
  return tasksetAvailable;
}

/** Core roles: the server gets core 1 to itself, load generator and receiver share core 0. */
export const CORE = { server: 1, load: 0, receiver: 0 };

/**
 * Spawns `command args`, pinned to `core` when pinning is on (taskset execs, so the pid is the
 * command's own). Returns the ChildProcess with stdout/stderr collected in `child.out`/`child.err`.
 */
export function start(command, args, { core = null, env = process.env, ipc = false, cwd } = {}) {
  const [cmd, argv] =
    core !== null && canPin() ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
  const child = spawn(cmd, argv, { env, cwd, stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc'] : [])] });
  child.out = '';
  child.err = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    child.out += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d) => {
    child.err += d;
  });
  children.add(child);
  child.exited = new Promise((resolve) => {
    // 'close' rather than 'exit': all of stdout has been read by then.
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  return child;
}

/** Resolves with the first stdout line that parses as JSON; rejects on exit or timeout. */
export function firstJsonLine(child, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () => done(new Error(`no ready line within ${timeoutMs} ms\n${child.err.slice(-2000)}`)),
      timeoutMs,
    );
    const onData = (d) => {
      buffered += d;
      for (const line of buffered.split('\n').slice(0, -1)) {
        try {
          const value = JSON.parse(line);
          if (value && typeof value === 'object') return done(null, value);
        } catch {}
      }
    };
    const onExit = (code, signal) =>
      done(
        new Error(
          `exited (${code ?? signal}) before it was ready\n${child.out.slice(-1000)}${child.err.slice(-2000)}`,
        ),
      );
    function done(err, value) {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(value);
    }
    child.stdout.on('data', onData);
    child.on('exit', onExit);
    onData(child.out);
    buffered = child.out;
  });
}

/** Sends `msg` over IPC and resolves with the next message of type `type`. */
export function ask(child, msg, type = msg, timeoutMs = 5_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`no '${type}' reply within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m) => {
      if (m && m.type === type) {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(m);
      }
    };
    child.on('message', onMessage);
    child.send(msg);
  });
}

/** SIGTERM, then SIGKILL after `graceMs`. Resolves when the child is gone. */
export async function stop(child, graceMs = 2_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** Runs to completion; resolves { code, out, err, ms }. */
export async function run(command, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const child = start(command, args, opts);
  const { code, signal } = await child.exited;
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { code: code ?? signal, out: child.out, err: child.err, ms };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
