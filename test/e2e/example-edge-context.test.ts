import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Child } from '../support/child.js';
import { startExampleService } from '../support/example-service.js';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';

// order-service as a real process (`node --import ./src/tracing.mjs src/server.mjs`) called the way
// the public would call it: with trace headers and baggage of the caller's choosing. By default they
// are trusted (a caller inside the network continues its trace); INCOMING_TRACE_CONTEXT=ignore is
// for a service the public calls directly.
let receiver: OtlpReceiver;
let neighbour: http.Server;
let neighbourUrl = '';
/** The headers each call to the neighbour carried, by path. */
const seen: { path: string; headers: http.IncomingHttpHeaders }[] = [];
const children: Child[] = [];

beforeAll(async () => {
  receiver = await startReceiver();
  // user-service and payment-service in one: they only have to answer.
  neighbour = http.createServer((req, res) => {
    seen.push({ path: req.url!.split('?')[0]!, headers: req.headers });
    req.resume();
    const body = req.url!.startsWith('/users/')
      ? { id: 'user-1', name: 'Ada', email: 'ada@example.com', tier: 'gold' }
      : { transactionId: 'txn_1' };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => neighbour.listen(0, '127.0.0.1', resolve));
  neighbourUrl = `http://127.0.0.1:${(neighbour.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const child of children) child.proc.kill('SIGKILL');
  neighbour?.closeAllConnections();
  neighbour?.close();
  await receiver?.stop();
});

async function orderService(env: Record<string, string>): Promise<string> {
  const { child, url } = await startExampleService('order-service', receiver.endpoint, {
    USER_SERVICE_URL: neighbourUrl,
    PAYMENT_SERVICE_URL: neighbourUrl,
    ...env,
  });
  children.push(child);
  return url;
}

/** An order from a caller that sets the trace id, says "do not sample" and adds baggage. */
async function orderFromThePublic(url: string) {
  const traceId = randomBytes(16).toString('hex');
  seen.length = 0;
  const res = await fetch(`${url}/orders`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-00`,
      'x-b3-traceid': traceId,
      'x-b3-spanid': randomBytes(8).toString('hex'),
      'x-b3-sampled': '0',
      baggage: 'tenant.id=acme-admin,role=admin',
    },
    body: JSON.stringify({ customerId: 'user-1', items: [{ sku: 'SKU-BOOK', quantity: 1 }] }),
  });
  expect(res.status).toBe(201);
  const payment = seen.find((call) => call.path === '/payments')!;
  expect(payment).toBeDefined();
  return { traceId, payment: payment.headers };
}

it("by default a caller's trace id, sampling decision and baggage go on to every neighbour", async () => {
  const { traceId, payment } = await orderFromThePublic(await orderService({}));
  expect(payment.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
  expect(payment['x-b3-traceid']).toBe(traceId);
  expect(payment.baggage).toContain('tenant.id=acme-admin');
});

it("INCOMING_TRACE_CONTEXT=ignore: each order starts its own sampled trace, the neighbours join it, the caller's baggage goes nowhere", async () => {
  const { traceId, payment } = await orderFromThePublic(
    await orderService({ INCOMING_TRACE_CONTEXT: 'ignore' }),
  );
  const [, ours, flags] =
    /^00-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/.exec(String(payment.traceparent)) ?? [];
  expect(ours, String(payment.traceparent)).toBeDefined();
  expect(ours).not.toBe(traceId);
  expect(Number.parseInt(flags!, 16) & 1, 'sampled flag').toBe(1);
  expect(payment['x-b3-traceid']).toBe(ours);
  expect(payment.baggage).toBeUndefined();

  // Exported although the caller said "do not sample": POST /orders is the root of its own trace.
  const deadline = Date.now() + 15_000;
  while (
    !receiver
      .traces()
      .get(ours!)
      ?.some((s) => s.name === 'create_order') &&
    Date.now() < deadline
  ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const spans = receiver.traces().get(ours!) ?? [];
  expect(spans.find((s) => s.name === 'POST /orders')).toMatchObject({ kind: 'SERVER', parentSpanId: '' });
  expect(spans.map((s) => s.name)).toContain('create_order');
  expect(receiver.traces().get(traceId)).toBeUndefined();
});
