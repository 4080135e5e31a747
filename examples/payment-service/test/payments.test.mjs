// Unit tests for the payment use case. Run: node --test examples/payment-service/test/
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { setupTestTracing } from '@acme/otel/testing';
import { createLogger } from '../src/logger.mjs';
import { createPaymentService, FraudDetectedError } from '../src/payments.mjs';

/** @type {ReturnType<typeof setupTestTracing>} */
let tracing;
/** @type {string[]} */
let lines;
/** @type {ReturnType<typeof createPaymentService>} */
let payments;

beforeEach(() => {
  tracing = setupTestTracing({ serviceName: 'payment-service' });
  lines = [];
  payments = createPaymentService({
    logger: createLogger({ write: (line) => lines.push(line) }),
    fraudThreshold: 1000,
    gatewayLatencyMs: 1,
  });
});
afterEach(() => tracing.shutdown());

const request = { orderId: 'ord-1', customerId: 'user-1', amount: 50, currency: 'EUR' };

test('a payment: ProcessPayment > fraud_detection, payment_gateway_call; a correlated text log line', async () => {
  const { transactionId } = await payments.process(request, 'key-1');
  await payments.drain();

  const root = tracing.expectSpan('ProcessPayment', {
    parent: null,
    status: 'unset',
    attributes: { 'order.id': 'ord-1', 'payment.amount': 50, 'payment.transaction_id': transactionId },
  });
  tracing.expectSpan('fraud_detection', {
    parent: 'ProcessPayment',
    attributes: { 'fraud.detected': false },
  });
  tracing.expectSpan('payment_gateway_call', {
    parent: 'ProcessPayment',
    attributes: { 'payment.transaction_id': transactionId },
  });
  tracing.expectSpan('record_ledger_entry', { parent: 'ProcessPayment' });
  assert.deepEqual(payments.ledger, [{ orderId: 'ord-1', transactionId, type: 'capture' }]);

  const line = lines.find((l) => l.includes('captured'));
  assert.ok(
    line?.includes(`[trace_id=${root.spanContext().traceId} span_id=${root.spanContext().spanId}]`),
    line,
  );
});

test('fraud: ERROR with the exception recorded, no gateway call', async () => {
  await assert.rejects(payments.process({ ...request, amount: 5000 }, 'key-1'), FraudDetectedError);
  tracing.expectSpan('ProcessPayment', {
    status: 'error',
    event: { name: 'exception', attributes: { 'exception.type': 'FraudDetectedError' } },
  });
  tracing.expectSpan('fraud_detection', { attributes: { 'fraud.detected': true } });
  assert.equal(tracing.findSpan('payment_gateway_call'), undefined);
});

test('the in-memory ledger keeps the latest maxLedgerEntries only', async () => {
  const small = createPaymentService({
    logger: createLogger({ write: () => {} }),
    gatewayLatencyMs: 1,
    maxLedgerEntries: 2,
  });
  for (const orderId of ['ord-1', 'ord-2', 'ord-3']) await small.process({ ...request, orderId }, orderId);
  await small.drain();
  assert.deepEqual(
    small.ledger.map((entry) => entry.orderId),
    ['ord-2', 'ord-3'],
  );
});
