// The idle-step loader of export/preload.ts (issue #20 item 6): one step per timer turn, on
// unref'ed timers, a throwing step skipped, cancellable.

import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runInIdleSteps } from '../../../src/export/preload.js';
import { onFirstListen } from '../../../src/util/first-listen.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('runInIdleSteps', () => {
  it('runs one step per turn, after the delay and then each gap, and skips a step that throws', () => {
    const ran: number[] = [];
    runInIdleSteps(
      [
        () => ran.push(1),
        () => {
          throw new Error('not installed');
        },
        () => ran.push(3),
      ],
      50,
      10,
    );
    vi.advanceTimersByTime(49);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ran).toEqual([1]);
    vi.advanceTimersByTime(10);
    expect(ran).toEqual([1]);
    vi.advanceTimersByTime(10);
    expect(ran).toEqual([1, 3]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('by default starts 50 ms after start-up, then one step each 10 ms (README: Safe by default)', () => {
    const ran: number[] = [];
    runInIdleSteps([() => ran.push(1), () => ran.push(2)]);
    vi.advanceTimersByTime(49);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ran).toEqual([1]);
    vi.advanceTimersByTime(9);
    expect(ran).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(ran).toEqual([1, 2]);
  });

  it('stops when cancelled', () => {
    const ran: number[] = [];
    const steps = runInIdleSteps([() => ran.push(1), () => ran.push(2)], 50, 10);
    vi.advanceTimersByTime(50);
    steps.cancel();
    vi.advanceTimersByTime(1_000);
    expect(ran).toEqual([1]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('runs what is left at once when asked, in order, a throwing step skipped', () => {
    const ran: number[] = [];
    const steps = runInIdleSteps(
      [
        () => ran.push(1),
        () => ran.push(2),
        () => {
          throw new Error('not installed');
        },
        () => ran.push(4),
      ],
      50,
      10,
    );
    vi.advanceTimersByTime(50);
    expect(ran).toEqual([1]);
    steps.runAll();
    expect(ran).toEqual([1, 2, 4]);
    expect(vi.getTimerCount()).toBe(0);
    steps.runAll();
    expect(ran).toEqual([1, 2, 4]);
  });
});

describe('onFirstListen', () => {
  beforeEach(() => {
    vi.useRealTimers();
  });

  const listen = () =>
    new Promise<net.Server>((resolve) => {
      const server = net.createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    });

  it("runs inside the application's first listen(), before the port is bound, and only once", async () => {
    const seen: (string | null)[] = [];
    const servers: net.Server[] = [];
    const stop = onFirstListen(() => seen.push(JSON.stringify(servers.at(-1)?.address() ?? null)));
    servers.push(net.createServer());
    servers[0]!.listen(0, '127.0.0.1');
    // Synchronously inside listen(): nothing bound yet.
    expect(seen).toEqual(['null']);
    servers.push(await listen());
    expect(seen).toHaveLength(1);
    stop();
    for (const s of servers) s.close();
  });

  it('does nothing once stopped, and a throw never reaches listen()', async () => {
    const ran: string[] = [];
    onFirstListen(() => ran.push('x'))();
    const throwing = onFirstListen(() => {
      throw new Error('boom');
    });
    const server = await listen();
    server.close();
    throwing();
    expect(ran).toEqual([]);
  });
});
