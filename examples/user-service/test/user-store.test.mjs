// The PostgreSQL store against a database that accepts the connection and never answers (a
// listener on 127.0.0.1 that reads nothing back): no PostgreSQL needed.
// Run: npm test (in examples/user-service)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setupTestTracing } from '@acme/otel/testing';
import { createPgUserStore } from '../src/user-store.mjs';
import { startSilentServer } from './silent-server.mjs';

/** @type {Awaited<ReturnType<typeof startSilentServer>>} */
let silent;
let url = '';

before(async () => {
  silent = await startSilentServer();
  url = `postgresql://app@127.0.0.1:${silent.port}/app`;
});
after(() => silent.close());

test('a database that does not answer fails the lookup within timeoutMs, as an ERROR db.query', {
  timeout: 10_000,
}, async () => {
  const tracing = setupTestTracing({ serviceName: 'user-service' });
  const store = createPgUserStore(url, { timeoutMs: 300 });
  const started = Date.now();
  try {
    await assert.rejects(store.findUser('user-1'), /timeout/i);
    assert.ok(Date.now() - started < 3000, `gave up after ${Date.now() - started} ms`);
    tracing.expectSpan('db.query', { status: 'error' });
  } finally {
    await store.close();
    await tracing.shutdown();
  }
});
