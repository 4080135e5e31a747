// The context the http server's per-event paths read and enter without going through the API
// (src/context/hot-context.ts): it must always be the API's own, and the bypass must end when the
// manager is disabled, so a manager registered after it is the one that counts.
import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { AcmeContextManager } from '../../../src/context/context-manager.js';
import { activeContext, applyIn, enterContext, hotContextEnabled } from '../../../src/context/hot-context.js';

const KEY = createContextKey('hot-context test');
const ctx = ROOT_CONTEXT.setValue(KEY, 'request');

afterEach(() => context.disable());

function seenIn(): unknown[] {
  const seen: unknown[] = [];
  const fn = function (this: { name: string }, a: number, b: number) {
    seen.push(this.name, a + b, activeContext().getValue(KEY), context.active().getValue(KEY));
    return 'result';
  };
  seen.push(applyIn(ctx, fn, { name: 'emitter' }, [1, 2]));
  seen.push(activeContext() === context.active());
  return seen;
}

describe('hot context', () => {
  it('reads and enters the API context through the enabled AcmeContextManager', async () => {
    expect(context.setGlobalContextManager(new AcmeContextManager().enable())).toBe(true);
    expect(hotContextEnabled()).toBe(true);
    expect(seenIn()).toEqual(['emitter', 3, 'request', 'request', 'result', true]);
    // Async continuations started inside keep it, as with context.with().
    const later = await applyIn(
      ctx,
      async () => {
        await new Promise((r) => setImmediate(r));
        return activeContext().getValue(KEY);
      },
      undefined,
      [],
    );
    expect(later).toBe('request');
    expect(activeContext()).toBe(ROOT_CONTEXT);
  });

  it('falls back to the API once disabled, and follows whichever manager is registered next', () => {
    context.setGlobalContextManager(new AcmeContextManager().enable());
    context.disable();
    expect(hotContextEnabled()).toBe(false);
    expect(enterContext(ctx)).toBe(false);
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    expect(seenIn()).toEqual(['emitter', 3, 'request', 'request', 'result', true]);
  });
});
