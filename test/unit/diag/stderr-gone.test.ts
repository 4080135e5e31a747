// Our lines are written to fd 2 with writeSync. When stderr's reader has gone (EPIPE), the line was
// handed to process.stderr, which raised the same error as an 'error' event: with no listener, an
// uncaught exception in an app that untraced ran on. fd 2's writes are simulated here.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const fd2 = vi.hoisted(() => ({ code: undefined as string | undefined, calls: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    writeSync: (fd: number, buffer: Uint8Array, offset = 0) => {
      if (fd !== 2) return (fs.writeSync as (...a: unknown[]) => number)(fd, buffer, offset);
      fd2.calls++;
      if (fd2.code) throw Object.assign(new Error(`${fd2.code}: write`), { code: fd2.code });
      return buffer.length - offset;
    },
  };
});

type Listener = (...args: unknown[]) => void;
let theirs: Listener[] = [];
const nodeWrite = process.stderr.write;
let log: typeof import('../../../src/diag/log.js');

beforeEach(async () => {
  vi.resetModules();
  log = await import('../../../src/diag/log.js');
  log.resetLogger();
  fd2.calls = 0;
  fd2.code = undefined;
  theirs = process.stderr.rawListeners('error') as Listener[];
  for (const l of theirs) process.stderr.off('error', l);
});
afterEach(() => {
  process.stderr.write = nodeWrite;
  process.stderr.removeAllListeners('error');
  for (const l of theirs) process.stderr.on('error', l);
  log.resetLogger();
});

/** process.stderr.write, stubbed: calls back with `error` (or none), as a failed or a done write. */
function stubStderr(error?: Error): unknown[] {
  const written: unknown[] = [];
  process.stderr.write = ((chunk: unknown, cb?: (e?: Error | null) => void) => {
    written.push(chunk);
    cb?.(error ?? null);
    return !error;
  }) as typeof process.stderr.write;
  return written;
}

describe('stderr gone', () => {
  it('EPIPE: the line is dropped, not handed to process.stderr, and later lines are not tried', () => {
    const written = stubStderr();
    fd2.code = 'EPIPE';
    log.log.warn('first');
    log.log.warn('second');
    expect(fd2.calls).toBe(1);
    expect(written).toEqual([]);
  });

  it("EAGAIN: the rest is queued on process.stderr; should that fail, its 'error' event finds our listener", () => {
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    const written = stubStderr(epipe);
    fd2.code = 'EAGAIN';
    log.log.warn('queued');
    expect(String(written[0])).toContain('queued');
    // What the stream does after calling back with the error: without a listener, this throws.
    expect(() => process.stderr.emit('error', epipe)).not.toThrow();
    expect(process.stderr.listenerCount('error')).toBe(0);
    log.log.warn('after');
    expect(fd2.calls).toBe(1);
    expect(written).toHaveLength(1);
  });

  it('EAGAIN, and the queued write is done: our listener is gone again', () => {
    const written = stubStderr();
    fd2.code = 'EAGAIN';
    log.log.warn('queued');
    expect(written).toHaveLength(1);
    expect(process.stderr.listenerCount('error')).toBe(0);
    fd2.code = undefined;
    log.log.warn('next');
    expect(fd2.calls).toBe(2);
  });

  it("EAGAIN with an 'error' listener of the app's on stderr: ours is not added", () => {
    const mine = () => undefined;
    process.stderr.on('error', mine);
    const written = stubStderr(new Error('x'));
    fd2.code = 'EAGAIN';
    log.log.warn('queued');
    expect(written).toHaveLength(1);
    expect(process.stderr.rawListeners('error')).toEqual([mine]);
  });
});
