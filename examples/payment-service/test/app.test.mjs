// The HTTP layer on 127.0.0.1: what a caller is told when its body cannot be read.
// Run: node --test examples/payment-service/test/
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApp } from '../src/app.mjs';
import { createLogger } from '../src/logger.mjs';
import { createPaymentService } from '../src/payments.mjs';

/** @type {import('node:http').Server} */
let server;
let base = '';

before(async () => {
  const logger = createLogger({ write: () => {} });
  server = createApp({ payments: createPaymentService({ logger }), logger }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
});
after(() => server.close());

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
    const res = await fetch(`${base}/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: 'ord-1', customerId, amount: 10, currency: 'EUR' }),
    });
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
    const res = await fetch(`${base}/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...valid, ...change }),
    });
    assert.equal(res.status, 400, JSON.stringify(change).slice(0, 80));
  }
});

test('answers do not name the framework (no X-Powered-By)', async () => {
  assert.equal((await fetch(`${base}/health`)).headers.get('x-powered-by'), null);
});
