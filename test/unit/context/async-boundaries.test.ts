import { EventEmitter } from 'node:events';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bindContext, bindEmitter, withSpan } from '../../../src/context/index.js';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import type { TestTracing } from '../../../src/testing/index.js';
import { resetTracing, setupTestTracing } from '../../../src/testing/index.js';

let tracing: TestTracing;
beforeEach(() => {
  resetTracing();
  tracing = setupTestTracing();
});
afterEach(() => tracing.shutdown());

const activeSpanId = () => trace.getActiveSpan()?.spanContext().spanId;

describe('timers', () => {
  it('setTimeout and setImmediate callbacks keep the span (AsyncLocalStorage)', async () => {
    await withSpan('request', async (span) => {
      const seen = await Promise.all([
        new Promise((resolve) => setTimeout(() => resolve(activeSpanId()), 1)),
        new Promise((resolve) => setImmediate(() => resolve(activeSpanId()))),
        new Promise((resolve) => process.nextTick(() => resolve(activeSpanId()))),
      ]);
      expect(seen).toEqual([span.spanContext().spanId, span.spanContext().spanId, span.spanContext().spanId]);
      await new Promise<void>((resolve) => setTimeout(() => withSpan('timer.child', () => resolve()), 1));
    });
    tracing.expectSpan('timer.child', { parent: 'request' });
  });
});

describe('EventEmitter', () => {
  // Listeners run in the emitter's context, not the one they were added in
  // (opentelemetry-js #3297): a socket created at startup emits in startup's context.
  function emitLater(emitter: EventEmitter): Promise<void> {
    return new Promise((resolve) =>
      context.with(ROOT_CONTEXT, () =>
        setImmediate(() => {
          emitter.emit('data', 'chunk');
          resolve();
        }),
      ),
    );
  }

  it('loses the span without the helper', async () => {
    const emitter = new EventEmitter();
    let seen: string | undefined = 'unset';
    await withSpan('request', async () => {
      emitter.on('data', () => {
        seen = activeSpanId();
      });
      await emitLater(emitter);
    });
    expect(seen).toBeUndefined();
  });

  it('bindEmitter keeps listeners added after binding in the span', async () => {
    const emitter = new EventEmitter();
    const seen: (string | undefined)[] = [];
    await withSpan('request', async (span) => {
      emitter.on('data', () => seen.push(activeSpanId()));
      expect(bindEmitter(emitter)).toBe(emitter);
      emitter.on('data', () => {
        seen.push(activeSpanId());
        withSpan('listener.work', () => undefined);
      });
      await emitLater(emitter);
      // A listener added before binding is not rewrapped: bind first.
      expect(seen).toEqual([undefined, span.spanContext().spanId]);
    });
    tracing.expectSpan('listener.work', { parent: 'request' });
  });
});

describe('bindEmitter on what is not an EventEmitter', () => {
  it('says so once per kind, names the way that works, and returns it unchanged', () => {
    // An AbortSignal (an EventTarget) came back unchanged without a word, its listeners unbound.
    const lines: string[] = [];
    setLogSink((_level, line) => lines.push(line));
    try {
      const controller = new AbortController();
      const seen: unknown[] = [];
      withSpan('request', () => {
        const signal = bindEmitter(controller.signal as unknown as EventEmitter) as unknown as AbortSignal;
        expect(signal).toBe(controller.signal);
        signal.addEventListener(
          'abort',
          bindContext(() => seen.push(activeSpanId())),
        );
        bindEmitter(new AbortController().signal as unknown as EventEmitter);
        bindEmitter(Object.create(null) as EventEmitter);
      });
      controller.abort();
      expect(seen).toEqual([tracing.expectSpan('request').spanContext().spanId]);
      expect(lines).toEqual([
        '[@acme/otel] bindEmitter: an AbortSignal is not a Node.js EventEmitter, so its listeners are not bound; it is returned unchanged. Bind each listener with bindContext(listener) instead.',
        '[@acme/otel] bindEmitter: an object is not a Node.js EventEmitter, so its listeners are not bound; it is returned unchanged. Bind each listener with bindContext(listener) instead.',
      ]);
      bindEmitter(new EventEmitter());
      expect(lines).toHaveLength(2);
    } finally {
      resetLogger();
    }
  });
});

describe('callback pool', () => {
  /**
   * The classic pg / generic-pool loss: the pool drains its queue from a timer it created at
   * startup, so every callback runs in the startup context instead of the caller's.
   */
  class FakePool {
    private readonly queue: ((err: Error | null, client: { id: number }) => void)[] = [];
    private readonly timer: NodeJS.Timeout;
    private next = 0;
    constructor() {
      this.timer = setInterval(() => this.drain(), 1);
    }
    acquire(cb: (err: Error | null, client: { id: number }) => void): void {
      this.queue.push(cb);
    }
    private drain(): void {
      for (let cb = this.queue.shift(); cb; cb = this.queue.shift()) cb(null, { id: this.next++ });
    }
    close(): void {
      clearInterval(this.timer);
    }
  }

  const createPoolAtStartup = () => withSpan('startup', () => new FakePool());

  it('callbacks run in the startup context without the helper', async () => {
    const pool = createPoolAtStartup();
    try {
      await withSpan(
        'request',
        () => new Promise<void>((resolve) => pool.acquire(() => withSpan('query', () => resolve()))),
      );
    } finally {
      pool.close();
    }
    tracing.expectSpan('query', { parent: 'startup' });
  });

  it('bindContext brings the callback back into the request span', async () => {
    const pool = createPoolAtStartup();
    try {
      await withSpan(
        'request',
        () =>
          new Promise<void>((resolve) => pool.acquire(bindContext(() => withSpan('query', () => resolve())))),
      );
    } finally {
      pool.close();
    }
    const request = tracing.expectSpan('request');
    tracing.expectSpan('query', { parent: request, traceId: request.spanContext().traceId });
  });

  it('bindContext binds to an explicit context', async () => {
    const captured = withSpan('captured', () => context.active());
    const fn = bindContext(() => activeSpanId(), captured);
    expect(fn()).toBe(tracing.findSpan('captured')?.spanContext().spanId);
  });
});

describe('async generators', () => {
  async function* pages(count: number) {
    for (let page = 1; page <= count; page++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      // Spans started in the generator body join the consumer's span, across yields and awaits.
      yield withSpan('fetch.page', () => page, { attributes: { page } });
    }
  }

  it('keeps the consumer span across yields and awaits', async () => {
    await withSpan('export', async () => {
      for await (const page of pages(3)) {
        await withSpan('process.page', async () => {
          await new Promise((resolve) => setImmediate(resolve));
          return page;
        });
      }
    });
    const exportSpan = tracing.expectSpan('export');
    expect(tracing.spans().filter((s) => s.name === 'fetch.page')).toHaveLength(3);
    for (const page of [1, 2, 3])
      tracing.expectSpan('fetch.page', { parent: exportSpan, attributes: { page } });
    expect(
      tracing
        .spans()
        .filter((s) => s.name === 'process.page')
        .every((s) => s.parentSpanContext?.spanId === exportSpan.spanContext().spanId),
    ).toBe(true);
  });
});
