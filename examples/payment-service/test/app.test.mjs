// The HTTP layer on 127.0.0.1: what a caller is told when its body cannot be read.
// Run: node --test examples/payment-service/test/
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApp } from '../src/app.mjs';
import { createLogger } from '../src/logger.mjs';
import { createPaymentService } from '../src/payments.mjs';

/** @type {import('node:http').Server} */
let server;
/** @type {ReturnType<typeof createPaymentService>} */
let payments;
let base = '';

before(async () => {
  const logger = createLogger({ write: () => {} });
  payments = createPaymentService({ logger, gatewayLatencyMs: 1 });
  server = createApp({ payments, logger }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
});
after(() => server.close());

/**
 * @param {unknown} body
 * @param {string | null} [key] null: no header
 */
const pay = (body, key = 'key-1') =>
  fetch(`${base}/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === null ? {} : { 'idempotency-key': key }) },
    body: JSON.stringify(body),
  });

test('a malformed or oversized body is answered in JSON, without a stack trace', async () => {
  for (const [body, status] of [
    ['{"orderId":', 400],
    [JSON.stringify({ orderId: 'x'.repeat(200_000) }), 413],
  ]) {
    const res = await fetch(`${base}/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: /** @type {string} */ (body),
    });
    assert.equal(res.status, status);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assert.doesNotMatch(await res.text(), /node_modules|\bat /);
  }
});

test('a payment without a customerId string is refused with 400, as the error says', async () => {
  for (const customerId of [undefined, { id: 'user-1' }]) {
    const res = await pay({ orderId: 'ord-1', customerId, amount: 10, currency: 'EUR' });
    assert.equal(res.status, 400);
  }
});

test('ids and the currency are bounded: anything else is refused with 400', async () => {
  const valid = { orderId: 'ord-1', customerId: 'user-1', amount: 10, currency: 'EUR' };
  for (const change of [
    { orderId: 'x'.repeat(20_000) },
    { customerId: '..' },
    { currency: 'euro'.repeat(1000) },
    { currency: 'eur' },
  ]) {
    const res = await pay({ ...valid, ...change });
    assert.equal(res.status, 400, JSON.stringify(change).slice(0, 80));
  }
  assert.equal((await pay(valid, 'key-bounds')).status, 200);
});

test('a payment without a valid Idempotency-Key is refused with 400, before anything is charged', async () => {
  const valid = { orderId: 'ord-nokey', customerId: 'user-1', amount: 10, currency: 'EUR' };
  for (const key of [null, '', 'k'.repeat(256), 'two words', 'k1, k2']) {
    const res = await pay(valid, key);
    assert.equal(res.status, 400, String(key).slice(0, 40));
    assert.match((await res.json()).error, /Idempotency-Key/);
  }
  const ledger = await (await fetch(`${base}/payments?orderId=ord-nokey`)).json();
  assert.deepEqual(ledger, { orderId: 'ord-nokey', entries: [] });
});

test('over HTTP: a retried key charges once, the same key with another body is a 422, a void refunds', async () => {
  const body = { orderId: 'ord-http', customerId: 'user-1', amount: 10, currency: 'EUR' };
  const first = await pay(body, 'key-http');
  const again = await pay(body, 'key-http');
  assert.deepEqual([first.status, again.status], [200, 200]);
  const { transactionId } = await first.json();
  assert.deepEqual(await again.json(), { transactionId });

  const conflict = await pay({ ...body, amount: 11 }, 'key-http');
  assert.equal(conflict.status, 422);
  assert.match((await conflict.json()).error, /Idempotency-Key already used/);

  const ledger = async () => (await (await fetch(`${base}/payments?orderId=ord-http`)).json()).entries;
  await payments.drain();
  assert.deepEqual(await ledger(), [{ orderId: 'ord-http', transactionId, type: 'capture' }]);

  const voided = await fetch(`${base}/payments/void`, {
    method: 'POST',
    headers: { 'idempotency-key': 'key-http' },
  });
  assert.deepEqual([voided.status, await voided.json()], [200, { status: 'voided' }]);
  assert.equal((await pay(body, 'key-http')).status, 409);
  await payments.drain();
  assert.deepEqual(
    (await ledger()).map((/** @type {any} */ entry) => entry.type),
    ['capture', 'refund'],
  );
  assert.equal((await fetch(`${base}/payments/void`, { method: 'POST' })).status, 400);
});

test('answers do not name the framework (no X-Powered-By)', async () => {
  assert.equal((await fetch(`${base}/health`)).headers.get('x-powered-by'), null);
});
