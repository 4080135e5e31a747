// The idle-step loader of export/preload.ts (issue #20 item 6): one step per timer turn, on
// unref'ed timers, a throwing step skipped, cancellable.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runInIdleSteps } from '../../../src/export/preload.js';

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

  it('stops when cancelled', () => {
    const ran: number[] = [];
    const cancel = runInIdleSteps([() => ran.push(1), () => ran.push(2)], 50, 10);
    vi.advanceTimersByTime(50);
    cancel();
    vi.advanceTimersByTime(1_000);
    expect(ran).toEqual([1]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
