// The payment client against a neighbour on 127.0.0.1: the key it sends, and which failures leave a
// charge possible. Run: node --test examples/order-service/test/
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { createPaymentClient, PaymentOutcomeUnknownError } from '../src/clients.mjs';
import { DownstreamError } from '../src/http-client.mjs';

/** @type {http.Server} */
let server;
let base = '';
/** @type {{ url?: string, key?: string | string[] }[]} */
const seen = [];
/** The status the next charge is answered with; 0: no answer at all. */
let status = 200;

before(async () => {
  server = http.createServer((req, res) => {
    seen.push({ url: req.url, key: req.headers['idempotency-key'] });
    req.resume();
    if (status === 0 && req.url === '/payments') return; // never answers
    const code = req.url === '/payments' ? status : 200;
    res
      .writeHead(code, { 'content-type': 'application/json' })
      .end(JSON.stringify({ transactionId: 'txn_1' }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const charge = { orderId: 'ord-1', customerId: 'user-1', amount: 25, currency: 'EUR' };

test('a charge and its void carry the Idempotency-Key', async () => {
  seen.length = 0;
  status = 200;
  const client = createPaymentClient(base);
  assert.deepEqual(await client.charge(charge, 'key-1'), { transactionId: 'txn_1' });
  await client.void('key-1');
  assert.deepEqual(seen, [
    { url: '/payments', key: 'key-1' },
    { url: '/payments/void', key: 'key-1' },
  ]);
});

test('no answer within timeoutMs, or a 5xx, leaves the outcome unknown; a refusal or a closed port does not', async () => {
  const client = createPaymentClient(base, { timeoutMs: 200 });
  for (const [answer, unknown] of /** @type {const} */ ([
    [0, true],
    [503, true],
    [409, false],
  ])) {
    status = answer;
    const error = await client.charge(charge, 'key-2').catch((e) => e);
    assert.ok(error instanceof DownstreamError, String(error));
    assert.equal(error instanceof PaymentOutcomeUnknownError, unknown, `${answer}: ${error.message}`);
  }

  const closed = http.createServer();
  await new Promise((resolve) => closed.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (closed.address());
  await new Promise((resolve) => closed.close(resolve));
  const refused = await createPaymentClient(`http://127.0.0.1:${port}`)
    .charge(charge, 'key-3')
    .catch((e) => e);
  assert.ok(
    refused instanceof DownstreamError && !(refused instanceof PaymentOutcomeUnknownError),
    String(refused),
  );
});
