// The HTTP layer on 127.0.0.1: what a caller is told when something fails.
// Run: node --test examples/order-service/test/
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApp } from '../src/app.mjs';
import { PaymentDeclinedError, UnknownCustomerError } from '../src/clients.mjs';
import { DownstreamError } from '../src/http-client.mjs';
import { createLogger } from '../src/logger.mjs';

/** @type {import('node:http').Server} */
let server;
let base = '';
/** @type {Record<string, any>[]} */
const logs = [];
/** What the order use case throws next. */
let failure = new Error('unset');

before(async () => {
  const orders = {
    create: async () => {
      throw failure;
    },
    get: () => undefined,
    drain: async () => [],
  };
  const logger = createLogger({ destination: { write: (line) => logs.push(JSON.parse(line)) } });
  server = createApp({ orders: /** @type {any} */ (orders), logger }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
});
after(() => server.close());

/** @param {string} body */
const post = (body) =>
  fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

test("a neighbour's failure is a 502 that does not name the neighbour; the log line does", async () => {
  failure = new DownstreamError(
    'GET http://users.internal:3001/users/u-1 failed: connect ECONNREFUSED',
    undefined,
  );
  const res = await post(JSON.stringify({ customerId: 'u-1', items: [{ sku: 'SKU-BOOK', quantity: 1 }] }));
  assert.equal(res.status, 502);
  assert.deepEqual(await res.json(), { error: 'Bad Gateway' });
  assert.match(logs.find((line) => line.msg === 'order failed')?.err?.message ?? '', /users\.internal/);
});

test('a malformed or oversized body is answered in JSON, without a stack trace', async () => {
  for (const [body, status] of [
    ['{"customerId":', 400],
    [JSON.stringify({ customerId: 'x'.repeat(200_000) }), 413],
  ]) {
    const res = await post(/** @type {string} */ (body));
    assert.equal(res.status, status);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const text = await res.text();
    assert.doesNotMatch(text, /node_modules|\bat /);
  }
});

test('a declined payment or an unknown customer is logged as a warning with its reason, not an error', async () => {
  logs.length = 0;
  for (const [error, status] of /** @type {const} */ ([
    [new PaymentDeclinedError('Payment declined: fraud suspected for order ord-1'), 402],
    [new UnknownCustomerError('Customer u-404 not found'), 422],
  ])) {
    failure = error;
    const res = await post(JSON.stringify({ customerId: 'u-1', items: [{ sku: 'SKU-BOOK', quantity: 1 }] }));
    assert.equal(res.status, status);
  }
  // pino levels: 40 warn, 50 error
  assert.deepEqual(
    logs.map((line) => [line.level, line.msg, line.status, line.reason]),
    [
      [40, 'order rejected', 402, 'Payment declined: fraud suspected for order ord-1'],
      [40, 'order rejected', 422, 'Customer u-404 not found'],
    ],
  );
});
