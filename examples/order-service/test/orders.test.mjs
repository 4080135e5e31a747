// Unit tests for the order use case: spans asserted with @acme/otel/testing, no network.
// Run: node --test examples/order-service/test/
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { setupTestTracing } from '@acme/otel/testing';
import { PaymentDeclinedError, UnknownCustomerError } from '../src/clients.mjs';
import { createInventory } from '../src/inventory.mjs';
import { createLogger } from '../src/logger.mjs';
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

/** @param {{ users?: any, payments?: any, maxOrders?: number, inventory?: any }} [overrides] */
function service(overrides = {}) {
  return createOrderService({
    users: overrides.users ?? {
      getUser: async (id) => ({ id, name: 'Ada', email: 'ada@example.com', tier: 'gold' }),
    },
    payments: overrides.payments ?? { charge: async () => ({ transactionId: 'txn_1' }) },
    inventory: overrides.inventory ?? createInventory(),
    logger: createLogger({ destination: { write: (line) => logs.push(JSON.parse(line)) } }),
    ...(overrides.maxOrders ? { maxOrders: overrides.maxOrders } : {}),
  });
}

test('a successful order: create_order with its children, the payment event and a correlated log line', async () => {
  const orders = service();
  const result = await orders.create({ customerId: 'user-1', items: [{ sku: 'SKU-BOOK', quantity: 2 }] });
  await orders.drain();

  assert.equal(result.status, 201);
  const root = tracing.expectSpan('create_order', {
    parent: null,
    status: 'unset',
    attributes: { 'customer.id': 'user-1', 'order.item_count': 2, 'order.id': String(result.body.id) },
    event: { name: 'payment_completed', attributes: { 'payment.amount': 50, 'payment.currency': 'EUR' } },
  });
  tracing.expectSpan('check_inventory', {
    parent: 'create_order',
    attributes: { 'inventory.all_available': true },
  });
  tracing.expectSpan('save_order', { parent: 'create_order' });
  tracing.expectSpan('send_order_confirmation', { parent: 'create_order' });

  const created = logs.find((line) => line.msg === 'order created');
  assert.equal(created?.trace_id, root.spanContext().traceId);
  assert.equal(created?.span_id, root.spanContext().spanId);
});

test("the confirmation is logged with the customer's id, never the e-mail address", async () => {
  const orders = service();
  await orders.create({ customerId: 'user-1', items: [{ sku: 'SKU-BOOK', quantity: 1 }] });
  await orders.drain();

  const sent = logs.find((line) => line.msg === 'order confirmation sent');
  assert.equal(sent?.customerId, 'user-1');
  assert.deepEqual(
    logs.filter((line) => JSON.stringify(line).includes('ada@example.com')),
    [],
  );
});

test('out of stock: 409 and ERROR status, without an exception and without calling anyone', async () => {
  let called = false;
  const orders = service({ users: { getUser: async () => (called = true) } });
  const result = await orders.create({ customerId: 'user-2', items: [{ sku: 'SKU-RARE', quantity: 1 }] });

  assert.equal(result.status, 409);
  assert.equal(called, false);
  const span = tracing.expectSpan('create_order', { status: { code: 'error', message: 'Out of stock' } });
  assert.equal(
    span.events.some((e) => e.name === 'exception'),
    false,
  );
  tracing.expectSpan('check_inventory', { attributes: { 'inventory.all_available': false } });
});

test('unknown customer and declined payment: the exception is recorded on create_order', async () => {
  const unknown = service({
    users: {
      getUser: async () => {
        throw new UnknownCustomerError('Customer user-404 not found');
      },
    },
  });
  await assert.rejects(
    unknown.create({ customerId: 'user-404', items: [{ sku: 'SKU-BOOK', quantity: 1 }] }),
    UnknownCustomerError,
  );
  tracing.expectSpan('create_order', { status: 'error', event: 'exception' });

  tracing.reset();
  const declined = service({
    payments: {
      charge: async () => {
        throw new PaymentDeclinedError('Payment declined');
      },
    },
  });
  await assert.rejects(
    declined.create({ customerId: 'user-1', items: [{ sku: 'SKU-WATCH', quantity: 1 }] }),
    PaymentDeclinedError,
  );
  tracing.expectSpan('create_order', {
    status: { code: 'error', message: 'Payment declined' },
    event: { name: 'exception', attributes: { 'exception.type': 'PaymentDeclinedError' } },
  });
  assert.equal(tracing.findSpan('save_order'), undefined);
});

test('the in-memory order store keeps the latest maxOrders only', async () => {
  const orders = service({ maxOrders: 2 });
  const ids = [];
  for (let i = 0; i < 3; i++) {
    const result = await orders.create({ customerId: 'user-1', items: [{ sku: 'SKU-BOOK', quantity: 1 }] });
    ids.push(String(result.body.id));
  }
  await orders.drain();
  assert.deepEqual(
    ids.map((id) => orders.get(id) !== undefined),
    [false, true, true],
  );
});

test('the last item is sold once to concurrent orders, and a failed order gives its stock back', async () => {
  const inventory = createInventory({ 'SKU-LAST': { price: 10, stock: 1 } });
  const one = [{ sku: 'SKU-LAST', quantity: 1 }];
  const orders = service({ inventory });
  const results = await Promise.all([
    orders.create({ customerId: 'user-1', items: one }),
    orders.create({ customerId: 'user-2', items: one }),
  ]);
  await orders.drain();
  assert.deepEqual(results.map((r) => r.status).sort(), [201, 409]);

  const restocked = createInventory({ 'SKU-LAST': { price: 10, stock: 1 } });
  const declined = service({
    inventory: restocked,
    payments: {
      charge: async () => {
        throw new PaymentDeclinedError('Payment declined');
      },
    },
  });
  await assert.rejects(declined.create({ customerId: 'user-1', items: one }), PaymentDeclinedError);
  assert.deepEqual(restocked.unavailable(one), []);
});

test('two lines of the same SKU are checked against its stock together', async () => {
  const inventory = createInventory({ 'SKU-LAST': { price: 10, stock: 1 } });
  const twice = [
    { sku: 'SKU-LAST', quantity: 1 },
    { sku: 'SKU-LAST', quantity: 1 },
  ];
  const result = await service({ inventory }).create({ customerId: 'user-1', items: twice });
  assert.equal(result.status, 409);
  assert.deepEqual(result.body.unavailable, ['SKU-LAST']);
});
