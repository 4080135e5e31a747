// Idempotency-Key on POST /orders, and a payment that timed out. Run: node --test examples/order-service/test/
// order-service gave up on a slow payment and answered its client with an error while payment-service
// still captured: the customer was charged without an order, and charged again when the client retried.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { setupTestTracing } from '@acme/otel/testing';
import { PaymentDeclinedError, PaymentOutcomeUnknownError } from '../src/clients.mjs';
import { DownstreamError } from '../src/http-client.mjs';
import { createInventory } from '../src/inventory.mjs';
import { createLogger } from '../src/logger.mjs';
import { IdempotencyKeyReusedError } from '../src/order-attempts.mjs';
import { createOrderService } from '../src/orders.mjs';

/** @type {ReturnType<typeof setupTestTracing>} */
let tracing;
/** @type {Record<string, any>[]} */
let logs;

beforeEach(() => {
  tracing = setupTestTracing({ serviceName: 'order-service' });
  logs = [];
});
afterEach(() => tracing.shutdown());

/**
 * payment-service as order-service sees it: what each call was sent with, and a charge that answers
 * or fails as `behaviour` says.
 * @param {{ charge?: () => Promise<{ transactionId: string }>, void?: () => Promise<void> }} [behaviour]
 */
function fakePayments(behaviour = {}) {
  /** @type {{ call: string, orderId?: string, key: string }[]} */
  const calls = [];
  return {
    calls,
    /** @param {{ orderId: string }} charge @param {string} key */
    async charge(charge, key) {
      calls.push({ call: 'charge', orderId: charge.orderId, key });
      return behaviour.charge ? behaviour.charge() : { transactionId: `txn_${calls.length}` };
    },
    /** @param {string} key */
    async void(key) {
      calls.push({ call: 'void', key });
      if (behaviour.void) await behaviour.void();
    },
  };
}

/** @param {ReturnType<typeof fakePayments>} payments @param {{ maxIdempotencyKeys?: number }} [options] */
function service(payments, options = {}) {
  const inventory = createInventory({ 'SKU-BOOK': { price: 25, stock: 10 } });
  const orders = createOrderService({
    users: { getUser: async (id) => ({ id, name: 'Ada', email: 'ada@example.com', tier: 'gold' }) },
    payments,
    inventory,
    logger: createLogger({ destination: { write: (line) => logs.push(JSON.parse(line)) } }),
    ...options,
  });
  return { orders, inventory };
}

const items = [{ sku: 'SKU-BOOK', quantity: 1 }];
const timedOut = () =>
  Promise.reject(
    new PaymentOutcomeUnknownError(
      'POST http://127.0.0.1:3002/payments failed: timed out after 5000 ms',
      undefined,
    ),
  );

test('a retry with the same Idempotency-Key is answered with the first order: one charge, stock taken once', async () => {
  const payments = fakePayments();
  const { orders, inventory } = service(payments);
  const first = await orders.create({ customerId: 'user-1', items, idempotencyKey: 'k-1' });
  const again = await orders.create({ customerId: 'user-1', items, idempotencyKey: 'k-1' });
  await orders.drain();

  assert.equal(first.status, 201);
  assert.deepEqual(again, { ...first, replayed: true });
  assert.deepEqual(
    payments.calls.map((c) => c.call),
    ['charge'],
  );
  assert.deepEqual(inventory.unavailable([{ sku: 'SKU-BOOK', quantity: 10 }]), ['SKU-BOOK']);
  assert.deepEqual(inventory.unavailable([{ sku: 'SKU-BOOK', quantity: 9 }]), []);
  tracing.expectSpan('create_order', {
    attributes: { 'order.id': String(first.body.id), 'order.replayed': true },
  });
  // The client's key is its identifier: on no span and in no log line.
  const recorded = JSON.stringify(tracing.spans().map((s) => s.attributes)) + JSON.stringify(logs);
  assert.doesNotMatch(recorded, /k-1/);
});

test('concurrent requests with one key wait for the first: one charge', async () => {
  const payments = fakePayments();
  const { orders } = service(payments);
  const results = await Promise.all(
    [1, 2, 3].map(() => orders.create({ customerId: 'user-1', items, idempotencyKey: 'k-1' })),
  );
  await orders.drain();
  assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
  assert.equal(payments.calls.length, 1);
});

test("the same key with other items is refused; another customer's key of the same value is their own order", async () => {
  const payments = fakePayments();
  const { orders } = service(payments);
  await orders.create({ customerId: 'user-1', items, idempotencyKey: 'k-1' });
  await assert.rejects(
    orders.create({ customerId: 'user-1', items: [{ sku: 'SKU-BOOK', quantity: 2 }], idempotencyKey: 'k-1' }),
    IdempotencyKeyReusedError,
  );
  // The same lines with their fields in another order are the same request.
  const reordered = [{ quantity: 1, sku: 'SKU-BOOK' }];
  assert.equal(
    (await orders.create({ customerId: 'user-1', items: reordered, idempotencyKey: 'k-1' })).replayed,
    true,
  );
  const other = await orders.create({ customerId: 'user-2', items, idempotencyKey: 'k-1' });
  await orders.drain();
  assert.equal(other.replayed, undefined);
  assert.equal(payments.calls.length, 2);
  assert.notEqual(payments.calls[0]?.key, payments.calls[1]?.key);
});

test('a payment whose outcome is unknown is voided under its own key and logged at warn; a retry is a new attempt', async () => {
  const payments = fakePayments({ charge: timedOut });
  const { orders } = service(payments);
  await assert.rejects(
    orders.create({ customerId: 'user-1', items, idempotencyKey: 'k-1' }),
    PaymentOutcomeUnknownError,
  );
  const [charge, voided] = payments.calls;
  assert.deepEqual(voided, { call: 'void', key: charge?.key });
  const create = tracing.expectSpan('create_order', { status: 'error' });
  const line = logs.find((l) => l.msg === 'payment outcome unknown: voided, no charge stands');
  assert.deepEqual(
    [line?.level, line?.orderId, line?.trace_id],
    [40, charge?.orderId, create.spanContext().traceId],
  );
  assert.match(line?.reason, /timed out/);

  // Nothing stands under the first key: the retry is a new order with a new payment key.
  await assert.rejects(orders.create({ customerId: 'user-1', items, idempotencyKey: 'k-1' }));
  const retry = payments.calls[2];
  assert.notEqual(retry?.key, charge?.key);
  assert.notEqual(retry?.orderId, charge?.orderId);
});

test('when the void fails too: logged at error, and a retry resends the same order under the same payment key', async () => {
  let paymentServiceUp = false;
  const payments = fakePayments({
    charge: () => (paymentServiceUp ? Promise.resolve({ transactionId: 'txn_first' }) : timedOut()),
    void: () =>
      Promise.reject(new DownstreamError('POST …/payments/void failed: connect ECONNREFUSED', undefined)),
  });
  const { orders } = service(payments);
  await assert.rejects(orders.create({ customerId: 'user-1', items, idempotencyKey: 'k-1' }));
  const line = logs.find((l) => l.level === 50);
  assert.equal(
    line?.msg,
    'payment outcome unknown and its void failed: reconcile with payment-service by order id',
  );

  paymentServiceUp = true;
  const retry = await orders.create({ customerId: 'user-1', items, idempotencyKey: 'k-1' });
  await orders.drain();
  assert.equal(retry.status, 201);
  const charges = payments.calls.filter((c) => c.call === 'charge');
  assert.equal(charges.length, 2);
  assert.deepEqual(charges[1], charges[0]);
  assert.equal(retry.body.id, charges[0]?.orderId);
});

test('a refused order frees its key: the retry is asked again, under a new payment key', async () => {
  const payments = fakePayments({
    charge: () => Promise.reject(new PaymentDeclinedError('Payment declined: fraud suspected')),
  });
  const { orders } = service(payments);
  for (let i = 0; i < 2; i++) {
    await assert.rejects(
      orders.create({ customerId: 'user-1', items, idempotencyKey: 'k-1' }),
      PaymentDeclinedError,
    );
  }
  assert.deepEqual(
    payments.calls.map((c) => c.call),
    ['charge', 'charge'],
  );
  assert.notEqual(payments.calls[0]?.key, payments.calls[1]?.key);
});

test('without a key every request is its own attempt, and its payment key is new', async () => {
  const payments = fakePayments();
  const { orders } = service(payments);
  await orders.create({ customerId: 'user-1', items });
  await orders.create({ customerId: 'user-1', items });
  await orders.drain();
  assert.equal(new Set(payments.calls.map((c) => c.key)).size, 2);
});

test('the keys are held in a bounded store: past maxIdempotencyKeys the oldest is forgotten', async () => {
  const payments = fakePayments();
  const { orders } = service(payments, { maxIdempotencyKeys: 2 });
  for (const key of ['k-1', 'k-2', 'k-3'])
    await orders.create({ customerId: 'user-1', items, idempotencyKey: key });
  assert.equal((await orders.create({ customerId: 'user-1', items, idempotencyKey: 'k-3' })).replayed, true);
  assert.equal(
    (await orders.create({ customerId: 'user-1', items, idempotencyKey: 'k-1' })).replayed,
    undefined,
  );
  await orders.drain();
});
