import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runDetached, withSpan } from '../../../src/context/index.js';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import type { TestTracing } from '../../../src/testing/index.js';
import { resetTracing, setupTestTracing } from '../../../src/testing/index.js';
import { revokedProxy, throwingGetter } from '../../support/hostile.js';
import { thenable, thenGetterThrows } from '../../support/thenables.js';

let tracing: TestTracing;
let logged: string[];
const unhandled = vi.fn();
beforeEach(() => {
  resetTracing();
  tracing = setupTestTracing();
  logged = [];
  setLogSink((_level, line) => logged.push(line));
  process.on('unhandledRejection', unhandled);
  unhandled.mockClear();
});
afterEach(async () => {
  process.off('unhandledRejection', unhandled);
  resetLogger();
  await tracing.shutdown();
});

const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runDetached', () => {
  it('child mode: the task outlives the request and stays in its trace', async () => {
    let task!: Promise<unknown>;
    await withSpan('request', () => {
      task = runDetached('email.send', async () => {
        await tick(10);
        return withSpan('smtp.write', () => 'sent');
      });
    });
    // The request is done before the task.
    expect(tracing.spans().map((s) => s.name)).toEqual(['request']);
    expect(await task).toBe('sent');
    const request = tracing.expectSpan('request');
    const task1 = tracing.expectSpan('email.send', {
      parent: request,
      traceId: request.spanContext().traceId,
    });
    tracing.expectSpan('smtp.write', { parent: task1 });
  });

  it('link mode: a new trace whose root links to the request span, baggage kept', async () => {
    let task!: Promise<unknown>;
    await withSpan('request', () => {
      task = runDetached('reindex', () => withSpan('index.write', () => 1), {
        mode: 'link',
        attributes: { 'job.kind': 'reindex' },
      });
    });
    await task;
    const request = tracing.expectSpan('request');
    const root = tracing.expectSpan('reindex', {
      parent: null,
      linkedTo: request,
      attributes: { 'job.kind': 'reindex' },
    });
    expect(root.spanContext().traceId).not.toBe(request.spanContext().traceId);
    tracing.expectSpan('index.write', { parent: root });
  });

  it('a rejection is recorded and logged, never an unhandled rejection', async () => {
    const onError = vi.fn();
    let task!: Promise<unknown>;
    await withSpan('request', () => {
      task = runDetached(
        'webhook.call',
        async () => {
          await tick(1);
          throw new Error('webhook down');
        },
        { onError },
      );
    });
    await expect(task).resolves.toBeUndefined();
    await tick(50);
    expect(unhandled).not.toHaveBeenCalled();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'webhook down' }));
    tracing.expectSpan('webhook.call', {
      parent: 'request',
      status: { code: 'error', message: 'webhook down' },
      event: 'exception',
    });
    expect(
      logged.some((l) =>
        l.startsWith('[@acme/otel] detached task "webhook.call" failed: Error: webhook down'),
      ),
    ).toBe(true);
  });

  it('a sync throw, a throwing onError hook and a non-Error rejection are contained too', async () => {
    const tasks = [
      runDetached('sync.throw', () => {
        throw new Error('sync');
      }),
      runDetached('hook.throws', () => Promise.reject('just a string'), {
        onError: () => {
          throw new Error('hook');
        },
      }),
    ];
    await expect(Promise.all(tasks)).resolves.toEqual([undefined, undefined]);
    await tick(50);
    expect(unhandled).not.toHaveBeenCalled();
    tracing.expectSpan('sync.throw', { status: { code: 'error', message: 'sync' } });
    tracing.expectSpan('hook.throws', { status: { code: 'error', message: 'just a string' } });
    expect(logged.some((l) => l.includes('onError hook of detached task "hook.throws" threw'))).toBe(true);
  });

  it('thrown values that cannot be read are contained: no throw, no rejection, the span and a log line say so', async () => {
    // Reading these once threw out of runDetached's own error handling: synchronously to the
    // caller, or as a rejection of the promise a fire-and-forget caller never handles.
    const stackThrows = new Error('hidden');
    Object.defineProperty(stackThrows, 'stack', {
      get() {
        throw new Error('stack getter');
      },
    });
    const { proxy: revoked, revoke } = Proxy.revocable(new Error('gone'), {});
    revoke();
    const hostile: [string, unknown][] = [
      ['null.proto', Object.create(null)],
      ['stack.getter', stackThrows],
      ['revoked.proxy', revoked],
    ];
    const tasks: Promise<unknown>[] = [];
    for (const [name, value] of hostile) {
      tasks.push(runDetached(`${name}.sync`, () => Promise.reject(value)));
      expect(() =>
        tasks.push(
          runDetached(`${name}.async`, () => {
            throw value;
          }),
        ),
      ).not.toThrow();
    }
    await expect(Promise.all(tasks)).resolves.toEqual(tasks.map(() => undefined));
    await tick(50);
    expect(unhandled).not.toHaveBeenCalled();
    for (const [name] of hostile) {
      for (const mode of ['sync', 'async']) {
        const span = tracing.expectSpan(`${name}.${mode}`);
        expect(span.status.code).toBe(2);
      }
      expect(logged.some((l) => l.includes(`detached task "${name}.async" failed`))).toBe(true);
    }
    expect(tracing.expectSpan('null.proto.sync').status.message).toBe(
      'a thrown value whose message could not be read',
    );
  });

  // Attributes behind a throwing getter threw out of startSpan, synchronously, from a helper that
  // promises never to reject, and the task never ran.
  it('attributes that cannot be read: the task runs in a span without them, one line says so', async () => {
    const attributes = {
      get 'job.id'(): string {
        throw new Error('getter boom');
      },
    };
    for (const mode of ['child', 'link'] as const) {
      expect(await runDetached(`job.${mode}`, () => 'done', { attributes, mode })).toBe('done');
      tracing.expectSpan(`job.${mode}`, { status: 'unset' });
    }
    expect(logged).toEqual([
      '[@acme/otel] runDetached("job.child"): its span could not be started with the options given (getter boom), so it was started without them. This message once per process.',
    ]);
  });

  it('a thenable task: its then runs in the task span, its value is the result', async () => {
    // Promise.resolve(thenable) called `then` a microtask later in the request's context: a lazy
    // query's span was the request's child, not the task's.
    const lazyQuery = thenable<string[]>((resolve) => withSpan('pg.query', () => resolve(['o-1'])));
    let task!: Promise<unknown>;
    withSpan('request', () => {
      task = runDetached('report.build', () => lazyQuery);
    });
    await expect(task).resolves.toEqual(['o-1']);
    tracing.expectSpan('pg.query', { parent: 'report.build' });
  });

  it('a result whose then getter throws: no throw to the caller, the task span says why', async () => {
    const hostile = thenGetterThrows('then getter');
    let task!: Promise<unknown>;
    expect(() => {
      task = runDetached('hostile.then', () => hostile);
    }).not.toThrow();
    await expect(task).resolves.toBeUndefined();
    tracing.expectSpan('hostile.then', { status: { code: 'error', message: 'then getter' } });
    expect(logged.some((l) => l.includes('detached task "hostile.then" failed: Error: then getter'))).toBe(
      true,
    );
  });

  it('shows the problem it solves: a bare fire-and-forget rejection escapes', async () => {
    const failing = async () => {
      throw new Error('escaped');
    };
    void failing();
    await tick(50);
    expect(unhandled).toHaveBeenCalledTimes(1);
  });
});

// runDetached never throws and never rejects; options it could not read (a Proxy, a revoked one, a
// getter that throws) threw out of it synchronously, before the task ran: `options.mode` and
// `options.onError` were read outside its guard.
describe('runDetached with options it cannot read', () => {
  const boom = () => {
    throw new Error('trap boom');
  };
  const rows: [string, unknown][] = [
    ['a revoked Proxy', revokedProxy()],
    ['a Proxy whose get trap throws', new Proxy({}, { get: boom })],
    ['a mode getter that throws', throwingGetter({}, 'mode', 'trap boom')],
  ];
  it.each(rows)('%s: the task runs, its failure is recorded, nothing is thrown', async (_what, options) => {
    let ran = false;
    const task = runDetached(
      'reindex',
      () => {
        ran = true;
        throw new Error('task failed');
      },
      options as never,
    );
    expect(ran).toBe(true);
    expect(await task).toBeUndefined();
    tracing.expectSpan('reindex', { status: { code: 'error', message: 'task failed' } });
    expect(unhandled).not.toHaveBeenCalled();
  });
});
