// The watch on capture callbacks (process.setUncaughtExceptionCaptureCallback, and domains, which
// set theirs through it): Node calls the callback instead of the uncaughtException listeners, and
// when it throws, exits with code 7 and no 'exit' event. Node's setter is replaced here by a stand-in
// that keeps what it is given, so no real callback is set in the test runner's process.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { watchCaptureCallbacks } from '../../../src/exit/capture-callback.js';

type Callback = ((error: Error) => unknown) | null;
const nodeSetter = process.setUncaughtExceptionCaptureCallback;
let given: Callback[] = [];
let standIn: typeof nodeSetter;
const disposers: (() => void)[] = [];

beforeEach(() => {
  given = [];
  standIn = ((fn: Callback) => {
    if (fn !== null && typeof fn !== 'function') throw new TypeError('not a function');
    given.push(fn);
  }) as typeof nodeSetter;
  process.setUncaughtExceptionCaptureCallback = standIn;
});
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose();
  process.setUncaughtExceptionCaptureCallback = nodeSetter;
});

function watch(): unknown[] {
  const thrown: unknown[] = [];
  disposers.push(watchCaptureCallbacks((error) => thrown.push(error)));
  return thrown;
}

describe('a capture callback set after start-up', () => {
  it('that throws: the exit path is told, with the error given, and the callback error goes on to Node', () => {
    const thrown = watch();
    const failure = new Error('capture failed');
    process.setUncaughtExceptionCaptureCallback(() => {
      throw failure;
    });
    const set = given[0];
    expect(set).toBeTypeOf('function');
    const boom = new Error('boom');
    expect(() => set?.(boom)).toThrow(failure);
    expect(thrown).toEqual([boom]);
  });

  it('that returns: nothing is told, and what it returns and its `this` pass through', () => {
    const thrown = watch();
    const seen: unknown[] = [];
    process.setUncaughtExceptionCaptureCallback(function (this: unknown, error) {
      seen.push(this, error);
      return 'handled';
    } as (error: Error) => void);
    const boom = new Error('boom');
    const self = {};
    expect(given[0]?.call(self, boom)).toBe('handled');
    expect(seen).toEqual([self, boom]);
    expect(thrown).toEqual([]);
  });

  it('null and wrong arguments reach Node as given, so its checks and errors are its own', () => {
    watch();
    process.setUncaughtExceptionCaptureCallback(null);
    expect(given).toEqual([null]);
    expect(() => process.setUncaughtExceptionCaptureCallback('nope' as never)).toThrow(TypeError);
  });

  it('the undo puts the setter back, and a callback wrapped before it no longer reports', () => {
    const thrown = watch();
    process.setUncaughtExceptionCaptureCallback(() => {
      throw new Error('x');
    });
    expect(process.setUncaughtExceptionCaptureCallback).not.toBe(standIn);
    for (const dispose of disposers.splice(0)) dispose();
    expect(process.setUncaughtExceptionCaptureCallback).toBe(standIn);
    expect(() => given[0]?.(new Error('boom'))).toThrow('x');
    expect(thrown).toEqual([]);
  });

  it('the undo leaves a setter someone replaced after ours (a domain does) alone', () => {
    watch();
    const domains = () => undefined;
    process.setUncaughtExceptionCaptureCallback = domains as never;
    for (const dispose of disposers.splice(0)) dispose();
    expect(process.setUncaughtExceptionCaptureCallback).toBe(domains);
  });
});

describe("Node's own setter, watched", () => {
  it('sets and clears a real callback as before: hasUncaughtExceptionCaptureCallback, and a second set still throws', () => {
    process.setUncaughtExceptionCaptureCallback = nodeSetter;
    disposers.push(watchCaptureCallbacks(() => undefined));
    try {
      process.setUncaughtExceptionCaptureCallback(() => undefined);
      expect(process.hasUncaughtExceptionCaptureCallback()).toBe(true);
      expect(() => process.setUncaughtExceptionCaptureCallback(() => undefined)).toThrow(
        expect.objectContaining({ code: 'ERR_UNCAUGHT_EXCEPTION_CAPTURE_ALREADY_SET' }),
      );
    } finally {
      process.setUncaughtExceptionCaptureCallback(null);
    }
    expect(process.hasUncaughtExceptionCaptureCallback()).toBe(false);
  });
});

describe('a capture callback set before start-up', () => {
  it('cannot be wrapped: said once at start-up, with what its throw would cost', () => {
    const lines: string[] = [];
    setLogSink((_level, line) => lines.push(line));
    const has = process.hasUncaughtExceptionCaptureCallback;
    process.hasUncaughtExceptionCaptureCallback = () => true;
    try {
      watch();
      watch();
    } finally {
      process.hasUncaughtExceptionCaptureCallback = has;
      resetLogger();
    }
    expect(lines).toEqual([
      expect.stringMatching(
        /^\[@acme\/otel\] an uncaught-exception capture callback .* was set before tracing started: should it throw, Node exits with code 7 .* Start tracing first/,
      ),
    ]);
  });

  it('none set: nothing said', () => {
    const lines: string[] = [];
    setLogSink((_level, line) => lines.push(line));
    try {
      watch();
    } finally {
      resetLogger();
    }
    expect(lines).toEqual([]);
  });
});
