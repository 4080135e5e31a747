// The Redis cache against a Redis that accepts the connection and never answers (a listener on
// 127.0.0.1 that reads nothing back): no Redis needed.
// Run: npm test (in examples/user-service)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setupTestTracing } from '@acme/otel/testing';
import { createRedisCache } from '../src/cache.mjs';
import { startSilentServer } from './silent-server.mjs';

/** @type {Awaited<ReturnType<typeof startSilentServer>>} */
let silent;
let url = '';

before(async () => {
  silent = await startSilentServer();
  url = `redis://127.0.0.1:${silent.port}`;
});
after(() => silent.close());

test('a Redis that does not answer fails cache.set within timeoutMs, and close() still returns', {
  timeout: 10_000,
}, async () => {
  const tracing = setupTestTracing({ serviceName: 'user-service' });
  const cache = createRedisCache(url, { timeoutMs: 300 });
  try {
    const started = Date.now();
    await assert.rejects(cache.set('acme-example:user:user-1', { id: 'user-1' }, 60), /timed out/i);
    assert.ok(Date.now() - started < 3000, `gave up after ${Date.now() - started} ms`);
    tracing.expectSpan('cache.set', { status: 'error' });
    await cache.close();
  } finally {
    await tracing.shutdown();
  }
});
