// `--require` register's deferred start (issue 23, start-up): it must fire exactly once, at the first
// of its triggers, before that trigger's work proceeds, and leave nothing of itself behind. The
// whole register path, with spans exported from each trigger, is in
// test/integration/register-deferred.test.ts.
import { channel } from 'node:diagnostics_channel';
import Module, { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { API_GLOBAL_KEY } from '../../../src/instrumentations/upstream-internals.js';
import { deferStart, runPendingStart, startIsPending } from '../../../src/sdk/deferred-start.js';

const global = globalThis as Record<symbol, unknown>;
const proto = (Module as unknown as { prototype: { require: unknown } }).prototype;
const localRequire = createRequire(import.meta.url);

let saved: PropertyDescriptor | undefined;
let requireBefore: unknown;
let calls: string[];
let delivered: [string, unknown][];
let lines: string[];

function start() {
  calls.push('start');
  // What the real start does: the API's slot gets its object.
  global[API_GLOBAL_KEY] = { version: 'test' };
  return (name: string, message: unknown) => {
    delivered.push([name, message]);
  };
}

beforeEach(() => {
  saved = Object.getOwnPropertyDescriptor(global, API_GLOBAL_KEY);
  delete global[API_GLOBAL_KEY];
  requireBefore = proto.require;
  calls = [];
  delivered = [];
  lines = [];
  setLogSink((_level, line) => lines.push(line));
});

afterEach(() => {
  runPendingStart('test end');
  delete global[API_GLOBAL_KEY];
  if (saved) Object.defineProperty(global, API_GLOBAL_KEY, saved);
  resetLogger();
});

const triggers = { modules: new Set(['acme-deferred-test-module']), channels: ['acme.test.deferred'] };

describe('deferStart', () => {
  it('does nothing until a trigger', () => {
    deferStart(start, triggers);
    localRequire('node:path');
    channel('acme.test.other').publish({});
    expect(calls).toEqual([]);
    expect(startIsPending()).toBe(true);
  });

  it('fires on the first read of the API slot, which then sees what the start registered', () => {
    deferStart(start, triggers);
    expect(global[API_GLOBAL_KEY]).toEqual({ version: 'test' });
    expect(calls).toEqual(['start']);
    // A plain data slot again: the trap is gone.
    expect(Object.getOwnPropertyDescriptor(global, API_GLOBAL_KEY)?.get).toBeUndefined();
  });

  it('fires before a require() of a trigger module proceeds, then steps out of require', () => {
    deferStart(start, triggers);
    expect(() => localRequire('acme-deferred-test-module')).toThrow(/Cannot find module/);
    expect(calls).toEqual(['start']);
    expect(proto.require).toBe(requireBefore);
  });

  it('fires on a channel message and hands that message on', () => {
    deferStart(start, triggers);
    const message = { request: 1 };
    channel('acme.test.deferred').publish(message);
    channel('acme.test.deferred').publish({ request: 2 });
    expect(calls).toEqual(['start']);
    expect(delivered).toEqual([['acme.test.deferred', message]]);
    expect(channel('acme.test.deferred').hasSubscribers).toBe(false);
  });

  it('an arm (the ESM import hook) fires it, its message is handed on, and it is disarmed once', () => {
    let fireFromArm: ((cause: string) => unknown) | undefined;
    let disarmed = 0;
    deferStart(start, {
      ...triggers,
      arms: [
        (fire) => {
          fireFromArm = (cause) => fire(cause)?.('acme:first-import', ['url']);
          return () => {
            disarmed++;
          };
        },
      ],
    });
    fireFromArm?.('import of x');
    fireFromArm?.('import of y');
    expect(calls).toEqual(['start']);
    expect(delivered).toEqual([['acme:first-import', ['url']]]);
    expect(disarmed).toBe(1);
  });

  it('fires once, whatever comes after, and disarms every trigger', () => {
    deferStart(start, triggers);
    runPendingStart('a call');
    expect(startIsPending()).toBe(false);
    void global[API_GLOBAL_KEY];
    channel('acme.test.deferred').publish({});
    expect(() => localRequire('acme-deferred-test-module')).toThrow(/Cannot find module/);
    expect(calls).toEqual(['start']);
    expect(delivered).toEqual([]);
    expect(proto.require).toBe(requireBefore);
  });

  it('a start that throws is said once and leaves the application running untraced', () => {
    deferStart(() => {
      calls.push('start');
      throw new Error('boom');
    }, triggers);
    expect(global[API_GLOBAL_KEY]).toBeUndefined();
    void global[API_GLOBAL_KEY];
    channel('acme.test.deferred').publish({});
    expect(calls).toEqual(['start']);
    expect(Object.getOwnPropertyDescriptor(global, API_GLOBAL_KEY)).toBeUndefined();
    expect(lines).toEqual(['[@acme/otel] tracing could not start: boom; the application runs untraced']);
  });

  it('leaves an API slot that already exists alone (another SDK registered first)', () => {
    global[API_GLOBAL_KEY] = { version: 'other' };
    deferStart(start, triggers);
    expect(Object.getOwnPropertyDescriptor(global, API_GLOBAL_KEY)?.get).toBeUndefined();
    expect(calls).toEqual([]);
  });
});
