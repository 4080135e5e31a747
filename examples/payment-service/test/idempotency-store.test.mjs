// The in-memory key store: bounded in count and in time. Run: node --test examples/payment-service/test/
// (order-service holds the same file; test/e2e/example-lifecycle.test.ts keeps the two equal.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createIdempotencyStore } from '../src/idempotency-store.mjs';

test('past maxEntries the oldest key is dropped: a flood of new keys cannot grow the map', () => {
  const store = createIdempotencyStore({ maxEntries: 3, ttlMs: 60_000 });
  for (let i = 0; i < 10_000; i++) store.set(`key-${i}`, i);
  assert.equal(store.size(), 3);
  assert.deepEqual(
    ['key-0', 'key-9996', 'key-9997', 'key-9998', 'key-9999'].map((key) => store.get(key)),
    [undefined, undefined, 9997, 9998, 9999],
  );
});

test('a key expires ttlMs after it was stored', () => {
  let time = 1_000;
  const store = createIdempotencyStore({ maxEntries: 10, ttlMs: 500, now: () => time });
  store.set('a', 1);
  time += 300;
  store.set('b', 2);
  time += 199;
  assert.deepEqual([store.get('a'), store.get('b')], [1, 2]);
  time += 1;
  assert.deepEqual([store.get('a'), store.get('b')], [undefined, 2]);
  time += 300;
  assert.equal(store.size(), 0);
});
