import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Child } from '../support/child.js';
import { startExampleService } from '../support/example-service.js';
import { type OtlpReceiver, type ReceivedSpan, startReceiver } from '../support/otlp-receiver.mjs';

// order-service and payment-service as real processes (`node --import ./src/tracing.mjs
// src/server.mjs`), payment-service's card gateway slower than order-service's payment timeout.
// order-service gave up and answered its client 502 while payment-service still captured: the
// customer was charged for an order that does not exist.
const GATEWAY_LATENCY_MS = 3000;
const PAYMENT_TIMEOUT_MS = 1000;

let receiver: OtlpReceiver;
let users: http.Server;
let order: Child;
let payment: Child;
let orderUrl = '';
let paymentUrl = '';

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  receiver = await startReceiver();
  // user-service is not what this is about: a neighbour that knows every customer.
  users = http.createServer((req, res) => {
    const id = decodeURIComponent(req.url!.slice('/users/'.length));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, name: 'Ada', email: 'ada@example.com', tier: 'gold' }));
  });
  await new Promise<void>((resolve) => users.listen(0, '127.0.0.1', resolve));
  ({ child: payment, url: paymentUrl } = await startExampleService('payment-service', receiver.endpoint, {
    GATEWAY_LATENCY_MS: String(GATEWAY_LATENCY_MS),
  }));
  ({ child: order, url: orderUrl } = await startExampleService('order-service', receiver.endpoint, {
    USER_SERVICE_URL: `http://127.0.0.1:${(users.address() as AddressInfo).port}`,
    PAYMENT_SERVICE_URL: paymentUrl,
    PAYMENT_TIMEOUT_MS: String(PAYMENT_TIMEOUT_MS),
  }));
}, 60_000);

afterAll(async () => {
  for (const child of [order, payment]) child?.proc.kill('SIGKILL');
  users?.closeAllConnections();
  users?.close();
  await receiver?.stop();
});

it('a payment slower than the timeout: 502, the late capture refunded, no order; the void logged at warn with order and trace id', {
  timeout: 40_000,
}, async () => {
  const traceId = randomBytes(16).toString('hex');
  const response = await fetch(`${orderUrl}/orders`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      'idempotency-key': 'f3a1c9e2-5b7d-4e60-8a1f-2c3d4e5f6a7b',
    },
    body: JSON.stringify({ customerId: 'user-1', items: [{ sku: 'SKU-BOOK', quantity: 1 }] }),
  });
  expect(response.status).toBe(502);

  const voided = order
    .output()
    .split('\n')
    .flatMap((line) => (line.startsWith('{') ? [JSON.parse(line) as Record<string, any>] : []))
    .find((line) => line.msg === 'payment outcome unknown: voided, no charge stands');
  expect(voided, order.output()).toMatchObject({ level: 40, trace_id: traceId, orderId: expect.any(String) });
  expect(voided!.reason).toMatch(/timed out after 1000 ms/);
  const orderId: string = voided!.orderId;

  // The capture lands at the gateway after the void: it is refunded, and its ProcessPayment span ends then.
  const spans = await until('the late capture', () => {
    const trace = receiver.traces().get(traceId) ?? [];
    return trace.some((s) => s.name === 'payment_gateway_refund') ? trace : undefined;
  });
  const ledger = await until('the ledger entries', async () => {
    const { entries } = (await (await fetch(`${paymentUrl}/payments?orderId=${orderId}`)).json()) as {
      entries: { transactionId: string; type: string }[];
    };
    return entries.length === 2 ? entries : undefined;
  });
  expect(ledger.map((e) => e.type)).toEqual(['capture', 'refund']);
  expect(ledger[1]!.transactionId).toBe(ledger[0]!.transactionId);
  expect((await fetch(`${orderUrl}/orders/${orderId}`)).status).toBe(404);

  const one = (name: string): ReceivedSpan => {
    const found = spans.filter((s) => s.name === name);
    expect(found.map((s) => s.name)).toHaveLength(1);
    return found[0]!;
  };
  const exceptionOf = (span: ReceivedSpan) =>
    span.events.find((e) => e.name === 'exception')?.attributes['exception.type'];
  expect(exceptionOf(one('create_order'))).toBe('PaymentOutcomeUnknownError');
  expect(exceptionOf(one('ProcessPayment'))).toBe('PaymentVoidedError');
  expect(one('VoidPayment').attributes['order.id']).toBe(orderId);
  expect(one('payment_gateway_refund').attributes['payment.transaction_id']).toBe(ledger[0]!.transactionId);
  // The key identifies the client's attempt: on no span.
  expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('f3a1c9e2');
});
