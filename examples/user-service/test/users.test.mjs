// Unit tests for the user lookup on the embedded store and cache: no database or Redis needed.
// Run: npm test (in examples/user-service)
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, test } from 'node:test';
import { withSpan } from '@acme/otel';
import { setupTestTracing } from '@acme/otel/testing';
import winston from 'winston';
import { createMemoryCache } from '../src/cache.mjs';
import { createLogger } from '../src/logger.mjs';
import { createMemoryUserStore } from '../src/user-store.mjs';
import { createUserService } from '../src/users.mjs';

/** @type {ReturnType<typeof setupTestTracing>} */
let tracing;
/** @type {Record<string, any>[]} */
let logs;
/** @type {ReturnType<typeof createUserService>} */
let users;
/** @type {Writable} */
let sink;

beforeEach(() => {
  tracing = setupTestTracing({ serviceName: 'user-service' });
  logs = [];
  sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(JSON.parse(String(chunk)));
      done();
    },
  });
  users = createUserService({
    store: createMemoryUserStore(),
    cache: createMemoryCache(),
    logger: createLogger({ transport: new winston.transports.Stream({ stream: sink }) }),
  });
});
afterEach(() => tracing.shutdown());

test('a found user: get_user > db.query and cache.set, a lookup recorded in the background', async () => {
  const user = await users.getUser('user-1');
  await users.drain();

  assert.equal(user?.name, 'Ada Lovelace');
  const root = tracing.expectSpan('get_user', {
    parent: null,
    status: 'unset',
    attributes: { 'user.id': 'user-1' },
  });
  tracing.expectSpan('db.query', {
    parent: 'get_user',
    attributes: { 'db.operation': 'SELECT', 'user.id': 'user-1' },
  });
  tracing.expectSpan('cache.set', {
    parent: 'get_user',
    attributes: { 'cache.key': 'acme-example:user:user-1' },
  });
  tracing.expectSpan('record_user_lookup', { parent: 'get_user' });
  assert.equal(users.lookupCount('user-1'), 1);

  const loaded = logs.find((line) => line.message === 'user loaded');
  assert.equal(loaded?.trace_id, root.spanContext().traceId);
});

test('User not found: ERROR status, nothing cached', async () => {
  assert.equal(await users.getUser('nobody'), undefined);
  tracing.expectSpan('get_user', { status: { code: 'error', message: 'User not found' } });
  tracing.expectSpan('db.query', { parent: 'get_user' });
  assert.equal(tracing.findSpan('cache.set'), undefined);
});

test('a cache that is down: the user is still returned, the ERROR stays on cache.set', async () => {
  const failing = createUserService({
    store: createMemoryUserStore(),
    cache: {
      set: (key) =>
        withSpan('cache.set', async () => {
          throw new Error(`connect ECONNREFUSED (${key})`);
        }),
      close: async () => {},
    },
    logger: createLogger({ transport: new winston.transports.Stream({ stream: sink }) }),
  });
  assert.equal((await failing.getUser('user-1'))?.name, 'Ada Lovelace');
  await failing.drain();
  tracing.expectSpan('cache.set', { parent: 'get_user', status: 'error' });
  tracing.expectSpan('get_user', { status: 'unset' });
  assert.ok(logs.some((line) => line.message === 'profile cache not refreshed' && line.level === 'warn'));
});

test('lookup counts are kept for the latest maxTrackedUsers users only', async () => {
  const small = createUserService({
    store: createMemoryUserStore(),
    cache: createMemoryCache(),
    logger: createLogger({ transport: new winston.transports.Stream({ stream: sink }) }),
    maxTrackedUsers: 2,
  });
  for (const id of ['user-1', 'user-2', 'user-1', 'user-3']) await small.getUser(id);
  await small.drain();
  assert.deepEqual(
    ['user-1', 'user-2', 'user-3'].map((id) => small.lookupCount(id)),
    [2, 0, 1],
  );
});
