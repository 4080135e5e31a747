// One charge per Idempotency-Key, and a void for a caller that gave up. Run: node --test examples/payment-service/test/
// A caller that timed out answered its client with an error while this service still captured: the
// customer was charged without an order, and charged again when the client retried.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { setupTestTracing } from '@acme/otel/testing';
import { createLogger } from '../src/logger.mjs';
import { createPaymentService, IdempotencyConflictError, PaymentVoidedError } from '../src/payments.mjs';

/** @type {ReturnType<typeof setupTestTracing>} */
let tracing;
/** @type {string[]} */
let lines;

beforeEach(() => {
  tracing = setupTestTracing({ serviceName: 'payment-service' });
  lines = [];
});
afterEach(() => tracing.shutdown());

/** @param {{ gatewayLatencyMs?: number, maxKeys?: number }} [options] */
function service(options = {}) {
  return createPaymentService({
    logger: createLogger({ write: (line) => lines.push(line) }),
    gatewayLatencyMs: options.gatewayLatencyMs ?? 1,
    ...(options.maxKeys ? { maxKeys: options.maxKeys } : {}),
  });
}

const request = { orderId: 'ord-1', customerId: 'user-1', amount: 50, currency: 'EUR' };
const KEY = '5f0c8d7e-6a4b-4c1e-9f2a-3b8d1e7c6a50';
/** @param {ReturnType<typeof service>} payments */
const captures = (payments) => payments.ledger.filter((entry) => entry.type === 'capture');

test('a repeat of a key is answered with the first transaction, charges nothing and is marked payment.replayed', async () => {
  const payments = service();
  const first = await payments.process(request, KEY);
  const again = await payments.process(request, KEY);
  await payments.drain();

  assert.deepEqual(again, first);
  assert.equal(captures(payments).length, 1);
  assert.equal(tracing.spans().filter((s) => s.name === 'payment_gateway_call').length, 1);
  const replay = tracing.expectSpan('ProcessPayment', {
    attributes: { 'payment.replayed': true, 'payment.transaction_id': first.transactionId },
  });
  const children = tracing.spans().filter((s) => s.parentSpanContext?.spanId === replay.spanContext().spanId);
  assert.deepEqual(
    children.map((s) => s.name),
    [],
  );
  tracing.expectSpan('ProcessPayment', { attributes: { 'payment.replayed': undefined } });
  // An identifier of the caller's attempt: neither on a span nor in a log line.
  const recorded = JSON.stringify(tracing.spans().map((s) => s.attributes)) + lines.join('');
  assert.doesNotMatch(recorded, new RegExp(KEY));
});

test('repeats that arrive while the first is still at the gateway wait for it: one charge', async () => {
  const payments = service({ gatewayLatencyMs: 50 });
  const results = await Promise.all([1, 2, 3].map(() => payments.process(request, KEY)));
  await payments.drain();
  assert.equal(new Set(results.map((r) => r.transactionId)).size, 1);
  assert.equal(captures(payments).length, 1);
});

test('the same key with another amount, customer or order is a conflict, and charges nothing', async () => {
  const payments = service();
  await payments.process(request, KEY);
  for (const change of [{ amount: 51 }, { customerId: 'user-2' }, { orderId: 'ord-2' }]) {
    await assert.rejects(payments.process({ ...request, ...change }, KEY), IdempotencyConflictError);
  }
  await payments.drain();
  assert.equal(captures(payments).length, 1);
  tracing.expectSpan('ProcessPayment', {
    status: 'error',
    event: { name: 'exception', attributes: { 'exception.type': 'IdempotencyConflictError' } },
  });
});

test('a void after the capture refunds it; a repeat of the key is then refused', async () => {
  const payments = service();
  const { transactionId } = await payments.process(request, KEY);
  assert.deepEqual(payments.void(KEY), { status: 'voided' });
  assert.deepEqual(payments.void(KEY), { status: 'voided' });
  await assert.rejects(payments.process(request, KEY), PaymentVoidedError);
  await payments.drain();
  assert.deepEqual(payments.ledger, [
    { orderId: 'ord-1', transactionId, type: 'capture' },
    { orderId: 'ord-1', transactionId, type: 'refund' },
  ]);
  tracing.expectSpan('payment_gateway_refund', {
    parent: 'VoidPayment',
    attributes: { 'payment.transaction_id': transactionId },
  });
  assert.ok(lines.some((l) => l.includes(`payment ${transactionId} for order ord-1 refunded`)));
});

test('a void while the gateway is charging: the charge is refunded when it lands, its caller is told it was voided', async () => {
  const payments = service({ gatewayLatencyMs: 100 });
  const late = payments.process(request, KEY);
  await new Promise((resolve) => setTimeout(resolve, 20));
  payments.void(KEY);
  await assert.rejects(late, PaymentVoidedError);
  await payments.drain();
  assert.deepEqual(
    payments.ledger.map((entry) => entry.type),
    ['capture', 'refund'],
  );
  tracing.expectSpan('payment_gateway_refund', { parent: 'ProcessPayment' });
});

test('a void that arrives before its payment: the payment is refused, the gateway never called', async () => {
  const payments = service();
  payments.void(KEY);
  await assert.rejects(payments.process(request, KEY), PaymentVoidedError);
  await payments.drain();
  assert.deepEqual(payments.ledger, []);
  assert.equal(tracing.findSpan('payment_gateway_call'), undefined);
});

test('keys are held in a bounded store: past maxKeys the oldest is forgotten', async () => {
  const payments = service({ maxKeys: 2 });
  const first = await payments.process(request, 'key-1');
  await payments.process({ ...request, orderId: 'ord-2' }, 'key-2');
  assert.deepEqual(await payments.process(request, 'key-1'), first);
  await payments.process({ ...request, orderId: 'ord-3' }, 'key-3');
  // key-1 was the oldest: forgotten, its repeat is a new charge (size maxKeys for the retry window).
  assert.notDeepEqual(await payments.process(request, 'key-1'), first);
});
