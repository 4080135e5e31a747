// signal-exit's listeners only observe a signal (src/sdk/signal-observers.ts): counted as the
// application's, the traced process ignored SIGTERM and Ctrl-C (test/integration/crash.test.ts
// runs signal-exit 4 itself; its version 3 keeps its count on `process`, shaped as below).
import { afterEach, describe, expect, it } from 'vitest';
import { signalExitListeners } from '../../../src/sdk/signal-observers.js';

const V4 = Symbol.for('signal-exit emitter');
const holder = process as { __signal_exit_emitter__?: unknown };

afterEach(() => {
  delete holder.__signal_exit_emitter__;
});

describe('signalExitListeners', () => {
  it('is 0 without signal-exit', () => {
    expect(V4 in globalThis).toBe(false);
    expect(signalExitListeners()).toBe(0);
  });

  it("counts signal-exit 3's loaded instances", () => {
    holder.__signal_exit_emitter__ = { count: 2 };
    expect(signalExitListeners()).toBe(2);
  });

  it('reads nothing it cannot trust: a count that is not a whole positive number, or a throwing getter', () => {
    for (const count of [-1, 1.5, '2', Number.NaN, undefined]) {
      holder.__signal_exit_emitter__ = { count };
      expect(signalExitListeners()).toBe(0);
    }
    holder.__signal_exit_emitter__ = {
      get count() {
        throw new Error('getter');
      },
    };
    expect(signalExitListeners()).toBe(0);
  });
});
