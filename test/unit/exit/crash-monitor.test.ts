// The crash monitor's watch on the app's own uncaughtException listeners: when one throws, Node
// exits with code 7 and no 'exit' event, so the monitor has to run the exit path itself. It wraps
// process.emit for that one emit only, and everything after sees Node's own again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CrashRecord, installCrashMonitor } from '../../../src/exit/crash-monitor.js';

const disposers: (() => void)[] = [];
let emitBefore = process.emit;
beforeEach(() => {
  emitBefore = process.emit;
});
// The test runner's own listeners are set aside during each test (they would take the errors the
// tests emit for uncaught ones), and put back after.
type Listener = (...args: unknown[]) => void;
let runners: Listener[] = [];
function removeOurs(): void {
  for (const l of process.rawListeners('uncaughtException')) process.off('uncaughtException', l as Listener);
}
beforeEach(() => {
  runners = process.rawListeners('uncaughtException') as Listener[];
  removeOurs();
});
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose();
  removeOurs();
  for (const l of runners) process.on('uncaughtException', l);
});

function monitor(): { fatal: CrashRecord[]; threw: CrashRecord[] } {
  const fatal: CrashRecord[] = [];
  const threw: CrashRecord[] = [];
  disposers.push(
    installCrashMonitor(
      (r) => fatal.push(r),
      () => [],
      (r) => threw.push(r),
    ),
  );
  return { fatal, threw };
}

/** `process.emit`, as it is at the call (the watch replaces it), with any event name. */
function emit(event: string, ...args: unknown[]): boolean {
  return (process.emit as unknown as (this: NodeJS.Process, e: string, ...a: unknown[]) => boolean).call(
    process,
    event,
    ...args,
  );
}

/** What Node does for an uncaught error: the monitor event, then the listeners. */
function crash(error: Error): unknown {
  emit('uncaughtExceptionMonitor', error, 'uncaughtException');
  try {
    emit('uncaughtException', error, 'uncaughtException');
  } catch (thrown) {
    return thrown;
  }
  return undefined;
}

describe('an app uncaughtException listener', () => {
  it('that throws: the exit path is told, with the original error, and the listener error goes on to Node', () => {
    const { fatal, threw } = monitor();
    const handlerError = new Error('handler failed');
    process.on('uncaughtException', () => {
      throw handlerError;
    });
    const boom = new Error('boom');
    expect(crash(boom)).toBe(handlerError);
    expect(threw).toEqual([{ error: boom, origin: 'uncaughtException' }]);
    expect(fatal).toEqual([]);
    expect(process.emit).toBe(emitBefore);
  });

  it('that does not throw: nothing is told, and process.emit is Node’s own again', () => {
    const { fatal, threw } = monitor();
    const seen: unknown[] = [];
    process.on('uncaughtException', (e) => seen.push(e));
    const boom = new Error('boom');
    expect(crash(boom)).toBeUndefined();
    expect(seen).toEqual([boom]);
    expect(threw).toEqual([]);
    expect(fatal).toEqual([]);
    expect(process.emit).toBe(emitBefore);
    // A later throw from a listener (a second crash) is watched again, once.
    removeOurs();
    process.on('uncaughtException', () => {
      throw new Error('later');
    });
    expect(crash(new Error('second'))).toEqual(new Error('later'));
    expect(threw).toHaveLength(1);
  });

  it('none: the error is fatal, and process.emit is never touched', () => {
    const { fatal, threw } = monitor();
    const boom = new Error('boom');
    emit('uncaughtExceptionMonitor', boom, 'uncaughtException');
    expect(process.emit).toBe(emitBefore);
    expect(fatal).toEqual([{ error: boom, origin: 'uncaughtException' }]);
    expect(threw).toEqual([]);
  });

  it('events other than uncaughtException pass through the watch unchanged', () => {
    monitor();
    process.on('uncaughtException', () => undefined);
    emit('uncaughtExceptionMonitor', new Error('boom'), 'uncaughtException');
    const seen: unknown[] = [];
    const listener = (...args: unknown[]) => seen.push(args);
    process.on('acme-test-event' as never, listener);
    expect(emit('acme-test-event', 1, 2)).toBe(true);
    process.off('acme-test-event' as never, listener);
    expect(seen).toEqual([[1, 2]]);
    expect(process.emit).not.toBe(emitBefore);
    emit('uncaughtException', new Error('x'), 'uncaughtException');
    expect(process.emit).toBe(emitBefore);
  });
});

describe('an app capture callback', () => {
  it('that throws: the exit path is told, with the error and the origin the monitor saw', () => {
    const nodeSetter = process.setUncaughtExceptionCaptureCallback;
    const nodeHas = process.hasUncaughtExceptionCaptureCallback;
    let set: ((error: Error) => unknown) | undefined;
    process.setUncaughtExceptionCaptureCallback = ((fn: (error: Error) => unknown) => {
      set = fn;
    }) as typeof nodeSetter;
    process.hasUncaughtExceptionCaptureCallback = () => set !== undefined;
    try {
      const { fatal, threw } = monitor();
      process.setUncaughtExceptionCaptureCallback(() => {
        throw new Error('capture failed');
      });
      const rejected = new Error('rejected');
      emit('uncaughtExceptionMonitor', rejected, 'unhandledRejection');
      expect(fatal).toEqual([]);
      expect(threw).toEqual([]);
      expect(() => set?.(rejected)).toThrow('capture failed');
      expect(threw).toEqual([{ error: rejected, origin: 'unhandledRejection' }]);
      // One the monitor did not see (it was removed, say) counts as an uncaught exception.
      const other = new Error('other');
      expect(() => set?.(other)).toThrow('capture failed');
      expect(threw[1]).toEqual({ error: other, origin: 'uncaughtException' });
    } finally {
      for (const dispose of disposers.splice(0)) dispose();
      process.setUncaughtExceptionCaptureCallback = nodeSetter;
      process.hasUncaughtExceptionCaptureCallback = nodeHas;
    }
  });
});
