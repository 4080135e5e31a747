import type { Context } from '@opentelemetry/api';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { traced, withSpan } from '../../../src/context/index.js';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import type { TestTracing } from '../../../src/testing/index.js';
import { resetTracing, setupTestTracing } from '../../../src/testing/index.js';
import { thenable, thenGetterThrows } from '../../support/thenables.js';

let tracing: TestTracing;
beforeEach(() => {
  resetTracing();
  tracing = setupTestTracing();
});
afterEach(() => tracing.shutdown());

describe('withSpan', () => {
  // The span started and ended in ERROR with `Function.prototype.apply was called on 42, which is
  // a number and not a function`; `traced('n', null)` threw `Cannot read properties of null`.
  it('given something else than a function, throws a TypeError naming the helper and the value, and starts no span', () => {
    expect(() => withSpan('load', 42 as never)).toThrow(
      new TypeError('[@acme/otel] withSpan("load", …): the second argument must be a function, got a number'),
    );
    expect(() => traced('save', null as never)).toThrow(
      new TypeError('[@acme/otel] traced("save", …): the second argument must be a function, got null'),
    );
    expect(tracing.spans()).toEqual([]);
  });

  it('returns the result of a sync fn and ends the span once', () => {
    const result = withSpan('sync', (span) => {
      expect(trace.getActiveSpan()).toBe(span);
      return 42;
    });
    expect(result).toBe(42);
    expect(tracing.spans()).toHaveLength(1);
    tracing.expectSpan('sync', { status: 'unset', parent: null, kind: 'internal' });
  });

  it('awaits an async fn before ending, and keeps the span active across awaits', async () => {
    const result = await withSpan('async', async (span) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(trace.getActiveSpan()).toBe(span);
      expect(tracing.spans()).toHaveLength(0);
      return 'done';
    });
    expect(result).toBe('done');
    tracing.expectSpan('async', { status: 'unset' });
  });

  it('records a sync throw, sets ERROR with the message, rethrows and ends once', () => {
    const error = new Error('boom');
    expect(() =>
      withSpan('throws', () => {
        throw error;
      }),
    ).toThrow(error);
    expect(tracing.spans()).toHaveLength(1);
    tracing.expectSpan('throws', {
      status: { code: 'error', message: 'boom' },
      event: { name: 'exception', attributes: { 'exception.message': 'boom', 'exception.type': 'Error' } },
    });
  });

  it('records a rejection and rethrows the same error', async () => {
    const error = new TypeError('nope');
    await expect(withSpan('rejects', async () => Promise.reject(error))).rejects.toBe(error);
    tracing.expectSpan('rejects', { status: { code: 'error', message: 'nope' }, event: 'exception' });
    expect(tracing.spans()).toHaveLength(1);
  });

  it('handles non-Error thrown values', async () => {
    expect(() =>
      withSpan('string-thrown', () => {
        throw 'plain string';
      }),
    ).toThrow('plain string');
    tracing.expectSpan('string-thrown', {
      status: { code: 'error', message: 'plain string' },
      event: 'exception',
    });
    await expect(withSpan('object-rejected', () => Promise.reject({ code: 7 }))).rejects.toEqual({ code: 7 });
    tracing.expectSpan('object-rejected', { status: { code: 'error', message: '[object Object]' } });
  });

  it('does not end the span twice when fn ends it itself', () => {
    withSpan('manual', (span) => span.end());
    expect(tracing.spans()).toHaveLength(1);
  });

  it('nests: inner spans are children of outer ones', async () => {
    await withSpan('outer', () => withSpan('inner', async () => withSpan('innermost', () => 1)));
    const outer = tracing.expectSpan('outer', { parent: null });
    tracing.expectSpan('inner', { parent: outer, traceId: outer.spanContext().traceId });
    tracing.expectSpan('innermost', { parent: 'inner' });
  });

  it('applies attributes, kind, links, parent, root and tracer options', () => {
    const other = tracing.tracer.startSpan('other');
    other.end();
    withSpan('client-call', () => undefined, {
      attributes: { 'peer.service': 'inventory' },
      kind: SpanKind.CLIENT,
      links: [{ context: other.spanContext() }],
    });
    tracing.expectSpan('client-call', {
      kind: 'client',
      attributes: { 'peer.service': 'inventory' },
      linkedTo: other,
    });

    const parentSpan = tracing.tracer.startSpan('explicit-parent');
    withSpan('child', () => undefined, { parent: trace.setSpan(context.active(), parentSpan) });
    parentSpan.end();
    tracing.expectSpan('child', { parent: 'explicit-parent' });

    withSpan('outer', () => withSpan('detached-root', () => undefined, { root: true }));
    const root = tracing.expectSpan('detached-root', { parent: null });
    expect(root.spanContext().traceId).not.toBe(tracing.findSpan('outer')?.spanContext().traceId);

    const tracer = tracing.provider.getTracer('my-lib', '1.2.3');
    withSpan('scoped', () => undefined, { tracer });
    expect(tracing.findSpan('scoped')?.instrumentationScope.name).toBe('my-lib');
    expect(tracing.findSpan('client-call')?.instrumentationScope.name).toBe('@acme/otel');
  });

  it('follows a thenable that is not a promise as await does, calling its then in the span', async () => {
    // A lazy query (knex builder, mongoose Query) starts its work in `then`, and a hand-written
    // thenable's `then` may return nothing: withSpan called `then` outside the span and returned
    // what it returned, so the query's span was not a child and `await` gave undefined.
    const lazyQuery = thenable<string[]>((resolve) => withSpan('pg.query', () => resolve(['o-1'])));
    await expect(withSpan('orders.load', () => lazyQuery)).resolves.toEqual(['o-1']);
    tracing.expectSpan('pg.query', { parent: 'orders.load' });
    const failing = thenable((_resolve, reject) => reject(new Error('connection reset')));
    await expect(withSpan('orders.failing', () => failing)).rejects.toThrow('connection reset');
    tracing.expectSpan('orders.failing', { status: { code: 'error', message: 'connection reset' } });
    const throwing = thenable(() => {
      throw new Error('then threw');
    });
    await expect(withSpan('orders.throwing', () => throwing)).rejects.toThrow('then threw');
    tracing.expectSpan('orders.throwing', { status: { code: 'error', message: 'then threw' } });
  });

  it('a value whose then getter throws: the span ends with the error, which is thrown', () => {
    const hostile = thenGetterThrows('then getter');
    expect(() => withSpan('hostile.then', () => hostile)).toThrow('then getter');
    tracing.expectSpan('hostile.then', { status: { code: 'error', message: 'then getter' } });
    expect(tracing.spans()).toHaveLength(1);
  });

  it('a Span passed as parent is used as one, with a warning; a non-Context is ignored, with one', () => {
    // `{ parent: span }` threw "getValue is not a function" out of withSpan before fn ran.
    const lines: string[] = [];
    setLogSink((_level, line) => lines.push(line));
    try {
      const job = tracing.tracer.startSpan('job');
      withSpan('job.step', () => undefined, { parent: job as unknown as Context });
      job.end();
      tracing.expectSpan('job.step', { parent: 'job' });
      withSpan('outer', () => withSpan('inner', () => undefined, { parent: 'job' as unknown as Context }));
      tracing.expectSpan('inner', { parent: 'outer' });
      withSpan('no.parent', () => undefined, { parent: null as unknown as Context });
      expect(lines).toEqual([
        '[@acme/otel] withSpan: options.parent is a Span, not a Context; used trace.setSpan(context.active(), span) as the parent. Pass that Context to silence this.',
        '[@acme/otel] withSpan: options.parent is a string, not a Context; the active context was used.',
      ]);
    } finally {
      resetLogger();
    }
  });

  // Attributes behind a throwing getter or Proxy, a null link or a `tracer` that is none made the
  // SDK's startSpan throw out of withSpan before fn ran: the app's own work never happened.
  it('options the span cannot be started with: fn still runs, in a span without them, with a warning', () => {
    const lines: string[] = [];
    setLogSink((_level, line) => lines.push(line));
    try {
      const throwing = {
        get 'app.user'() {
          throw new Error('getter boom');
        },
      };
      const revoked = Proxy.revocable({}, {});
      revoked.revoke();
      const cases: [string, unknown][] = [
        ['getter', { attributes: throwing }],
        ['proxy', { attributes: revoked.proxy }],
        ['null link', { links: [null] }],
        ['no tracer', { tracer: {} }],
        ['options proxy', revoked.proxy],
      ];
      for (const [name, options] of cases) {
        expect(withSpan(name, (span) => span.isRecording(), options as never)).toBe(true);
        tracing.expectSpan(name, { status: 'unset' });
      }
      expect(traced('traced', () => 7, { attributes: throwing } as never)()).toBe(7);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toBe(
        '[@acme/otel] withSpan("getter"): its span could not be started with the options given (getter boom), so it was started without them. This message once per process.',
      );
    } finally {
      resetLogger();
    }
  });

  // A string or an array as attributes: the SDK took each character (element) for an attribute,
  // and a 10 MB string held the event loop ~10 s for 128 attributes named 0, 1, ….
  it('attributes that are no object: fn runs in a span without them, with a warning', () => {
    const lines: string[] = [];
    setLogSink((_level, line) => lines.push(line));
    try {
      expect(
        withSpan('string', (span) => span.isRecording(), { attributes: 'x'.repeat(100_000) } as never),
      ).toBe(true);
      expect(traced('array', () => 7, { attributes: ['a', 'b'] } as never)()).toBe(7);
      for (const name of ['string', 'array'])
        expect(tracing.expectSpan(name).attributes).not.toHaveProperty('0');
      expect(lines).toEqual([
        '[@acme/otel] withSpan("string"): its span could not be started with the options given (attributes must be an object, got a string), so it was started without them. This message once per process.',
      ]);
    } finally {
      resetLogger();
    }
  });

  it('uses the provider registered after a reset (no stale cached tracer)', () => {
    withSpan('first', () => undefined);
    expect(tracing.spans()).toHaveLength(1);
    const next = setupTestTracing();
    withSpan('second', () => undefined);
    expect(next.spans().map((s) => s.name)).toEqual(['second']);
    tracing = next;
  });
});

describe('traced', () => {
  it('wraps a function: passes this and args, keeps name and arity, records errors', async () => {
    class Repo {
      prefix = 'order-';
      load = traced('repo.load', async function (this: Repo, id: string, _extra?: number) {
        return this.prefix + id;
      });
    }
    const repo = new Repo();
    expect(await repo.load('1')).toBe('order-1');
    expect(repo.load.length).toBe(2);

    const parse = traced('parse', function parseJson(text: string) {
      return JSON.parse(text) as unknown;
    });
    expect(parse.name).toBe('parseJson');
    expect(() => parse('{')).toThrow(SyntaxError);
    tracing.expectSpan('repo.load', { status: 'unset' });
    tracing.expectSpan('parse', { status: 'error', event: 'exception' });
  });
});

describe('withSpan: the synchronous path allocates nothing beyond what startActiveSpan does', () => {
  // docs/context.md says so. startActiveSpan allocates the span and one context; withSpan must not
  // add a closure around `fn`, a copy of the options, or a tracer lookup per call (getTracer builds
  // a cache key string each time).
  it("hands the caller's fn and options object through as they are, and looks the tracer up once", () => {
    const calls: { fn: unknown; thisArg: unknown; args: unknown[] }[] = [];
    const manager = new AsyncLocalStorageContextManager();
    const realWith = manager.with.bind(manager);
    manager.with = ((
      ctx: Context,
      fn: (...a: unknown[]) => unknown,
      thisArg?: unknown,
      ...args: unknown[]
    ) => {
      calls.push({ fn, thisArg, args });
      return realWith(ctx, fn, thisArg, ...args);
    }) as typeof manager.with;
    context.disable();
    context.setGlobalContextManager(manager.enable());

    const started: unknown[] = [];
    const tracer = trace.getTracer('spy');
    const startSpan = tracer.startSpan.bind(tracer);
    tracer.startSpan = (name, options, ctx) => {
      started.push(options);
      return startSpan(name, options, ctx);
    };
    const provider = trace.getTracerProvider();
    let lookups = 0;
    const getTracer = provider.getTracer.bind(provider);
    provider.getTracer = (...args: Parameters<typeof getTracer>) => {
      lookups++;
      return getTracer(...args);
    };

    const fn = (span: unknown) => span;
    const options = { attributes: { a: 1 }, tracer };
    for (let i = 0; i < 3; i++) withSpan('hot', fn);
    const span = withSpan('hot', fn, options);
    // (The test exporter's own context.with calls are left out.)
    const ours = calls.filter((call) => call.fn === fn);
    expect(ours).toHaveLength(4);
    for (const call of ours) expect(call.thisArg).toBeUndefined();
    expect(ours[3]!.args).toEqual([span]);
    expect(started).toEqual([options]);
    expect(started[0]).toBe(options);
    expect(lookups).toBeLessThanOrEqual(1);

    // traced(): the wrapped function itself, with the caller's `this` and arguments (it built a
    // closure per call, `() => fn.apply(this, args)`).
    const target = { n: 2 };
    function double(this: { n: number }, x: number) {
      return this.n * x;
    }
    const wrapped = traced('double', double);
    expect(wrapped.call(target, 21)).toBe(42);
    const call = calls.find((c) => c.fn === double);
    expect(call?.thisArg).toBe(target);
    expect(call?.args).toEqual([21]);
  });
});
