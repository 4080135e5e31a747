// AcmeContextManager (src/context/context-manager.ts) replaces upstream's
// AsyncLocalStorageContextManager as the registered manager: `with`, `bind` for functions and
// event emitters must behave as upstream's, and `enterContext` (the http channel subscriber's way
// in) must reach what the API sees.
import { EventEmitter } from 'node:events';
import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { enterContext, hotContextEnabled } from '../../../src/context/hot-context.js';
import { useAcmeContextManager } from '../../support/reset.js';

const KEY = createContextKey('context-manager test');
const a = ROOT_CONTEXT.setValue(KEY, 'a');
const b = ROOT_CONTEXT.setValue(KEY, 'b');
const seen = () => context.active().getValue(KEY);

useAcmeContextManager();

describe('AcmeContextManager', () => {
  it('with(): runs fn with this and arguments in the context, async continuations included', async () => {
    const result = context.with(
      a,
      function (this: { n: number }, x: number) {
        return [this.n + x, seen()];
      },
      { n: 1 },
      2,
    );
    expect(result).toEqual([3, 'a']);
    const later = await context.with(b, async () => {
      await new Promise((r) => setImmediate(r));
      return seen();
    });
    expect(later).toBe('b');
    expect(seen()).toBeUndefined();
  });

  it('with() a this: calls fn with it, no bound function made per call (traced methods)', () => {
    function method(this: { n: number }, x: number) {
      return [this.n + x, seen()];
    }
    // Function.prototype.bind allocated a function per call; docs/context.md says traced() adds
    // only the arguments array.
    Object.defineProperty(method, 'bind', {
      value: () => {
        throw new Error('bound per call');
      },
    });
    expect(context.with(a, method, { n: 40 }, 2)).toEqual([42, 'a']);
  });

  it('bind(function): the context of the bind, same this, arguments and length', () => {
    const fn = context.bind(a, function (this: unknown, x: number, y: number) {
      return [this, x + y, seen()];
    });
    expect(fn.length).toBe(2);
    const self = {};
    expect(context.with(b, () => fn.call(self, 1, 2))).toEqual([self, 3, 'a']);
  });

  it('bind(emitter): listeners added later run in its context; remove and once keep working', () => {
    const ee = new EventEmitter();
    const before: unknown[] = [];
    ee.on('x', () => before.push(seen()));
    context.bind(b, ee);
    context.bind(a, ee); // bound again: listeners added from now on run in the newer context
    const got: unknown[] = [];
    const listener = () => got.push(seen());
    ee.on('x', listener);
    ee.once('x', () => got.push(`once ${String(seen())}`));
    context.with(b, () => ee.emit('x'));
    expect(got).toEqual(['a', 'once a']);
    expect(before).toEqual(['b']);
    ee.removeListener('x', listener);
    ee.emit('x');
    expect(got).toHaveLength(2);
    const onceAgain = () => got.push('removed once');
    ee.once('y', onceAgain);
    ee.off('y', onceAgain);
    ee.emit('y');
    ee.on('z', listener);
    ee.removeAllListeners();
    ee.emit('z');
    expect(got).toHaveLength(2);
    expect(ee.listenerCount('x')).toBe(0);
  });

  it('enterContext(): the rest of the synchronous code and what it starts see the context', async () => {
    expect(hotContextEnabled()).toBe(true);
    const inner = await new Promise<unknown[]>((resolve) => {
      setImmediate(() => {
        expect(enterContext(a)).toBe(true);
        const now = seen();
        setTimeout(() => resolve([now, seen()]), 1);
      });
    });
    expect(inner).toEqual(['a', 'a']);
    // It did not leak into this (another) callback chain.
    expect(seen()).toBeUndefined();
  });
});
