// The HTTP layer on 127.0.0.1: what a caller is told when something fails.
// Run: node --test examples/order-service/test/
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApp } from '../src/app.mjs';
import { PaymentDeclinedError, UnknownCustomerError } from '../src/clients.mjs';
import { DownstreamError } from '../src/http-client.mjs';
import { createLogger } from '../src/logger.mjs';
import { IdempotencyKeyReusedError } from '../src/order-attempts.mjs';

/** @type {import('node:http').Server} */
let server;
let base = '';
/** @type {Record<string, any>[]} */
const logs = [];
/** What the order use case throws next. */
let failure = new Error('unset');
/** What the order use case answers instead, when set. @type {Record<string, unknown> | undefined} */
let answer;
/** @type {Record<string, unknown> | undefined} */
let lastInput;
let created = 0;

before(async () => {
  const orders = {
    create: async (/** @type {Record<string, unknown>} */ input) => {
      created++;
      lastInput = input;
      if (answer) return answer;
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

/** @param {string} body @param {Record<string, string>} [headers] */
const post = (body, headers = {}) =>
  fetch(`${base}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

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

test('ids, item counts and quantities are bounded: anything else is a 400 that reaches nobody', async () => {
  const item = { sku: 'SKU-BOOK', quantity: 1 };
  created = 0;
  for (const body of [
    // forwarded whole, it was over the neighbour's 16 kB header limit: a 431, answered as a 502
    { customerId: 'x'.repeat(20_000), items: [item] },
    // `/users/..` is `/`: another endpoint of the neighbour
    { customerId: '..', items: [item] },
    { customerId: 'user/1', items: [item] },
    // echoed in the 409's body and the log line
    { customerId: 'user-1', items: [{ sku: 'S'.repeat(1000), quantity: 1 }] },
    { customerId: 'user-1', items: Array(101).fill(item) },
    { customerId: 'user-1', items: [{ sku: 'SKU-BOOK', quantity: 10_001 }] },
  ]) {
    const res = await post(JSON.stringify(body));
    assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
  }
  assert.equal(created, 0);

  failure = new UnknownCustomerError('not found');
  for (const customerId of ['user-1', 'a'.repeat(128), 'ada@example.com', 'tenant:42']) {
    const res = await post(JSON.stringify({ customerId, items: Array(100).fill(item) }));
    assert.equal(res.status, 422, customerId);
  }
});

test('answers do not name the framework (no X-Powered-By)', async () => {
  for (const res of [await fetch(`${base}/health`), await post('{')]) {
    assert.equal(res.headers.get('x-powered-by'), null);
  }
});

test('an Idempotency-Key is passed on when bounded and printable, refused with 400 otherwise', async () => {
  const body = JSON.stringify({ customerId: 'user-1', items: [{ sku: 'SKU-BOOK', quantity: 1 }] });
  created = 0;
  for (const key of ['', 'k'.repeat(256), 'two words', 'k1, k2', 'clé']) {
    const res = await post(body, { 'idempotency-key': key });
    assert.equal(res.status, 400, key.slice(0, 40));
    assert.match((await res.json()).error, /Idempotency-Key/);
  }
  assert.equal(created, 0);

  answer = { status: 201, body: { id: 'ord-1' }, replayed: true };
  try {
    const key = '0b9e3f56-1c2d-4e8f-a7b6-5d4c3b2a1f00';
    const res = await post(body, { 'idempotency-key': key });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('idempotent-replayed'), 'true');
    assert.equal(lastInput?.idempotencyKey, key);
    await post(body);
    assert.equal('idempotencyKey' in (lastInput ?? {}), false);
  } finally {
    answer = undefined;
  }
});

test('a key reused for another order is a 422, logged as a rejection', async () => {
  logs.length = 0;
  failure = new IdempotencyKeyReusedError('Idempotency-Key already used for another order');
  const res = await post(JSON.stringify({ customerId: 'u-1', items: [{ sku: 'SKU-BOOK', quantity: 2 }] }), {
    'idempotency-key': 'k-1',
  });
  assert.equal(res.status, 422);
  assert.deepEqual(await res.json(), { error: 'Idempotency-Key already used for another order' });
  assert.deepEqual(
    logs.map((line) => [line.level, line.msg, line.status]),
    [[40, 'order rejected', 422]],
  );
});
