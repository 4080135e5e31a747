import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../support/child.js';
import { type OtlpReceiver, type ReceivedSpan, startReceiver } from '../support/otlp-receiver.mjs';

// The three example services as real processes, started exactly as their READMEs say (`node
// --import ./src/tracing.mjs src/server.mjs` from the service's folder, plain ESM imports, the
// built library resolved by package name), against the machine's real PostgreSQL and Redis and a
// real OTLP/gRPC receiver.
const root = fileURLToPath(new URL('../..', import.meta.url));
const DATABASE_URL = process.env.E2E_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.E2E_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Service {
  name: string;
  url: string;
  proc: ChildProcess;
  lines: string[];
  stderr: () => string;
  exited: Promise<number | string | null>;
}

let receiver: OtlpReceiver;
let order: Service;
let user: Service;
let payment: Service;
const sampledTraces = new Set<string>();

function start(name: string, env: Record<string, string>): Promise<Service> {
  const proc = spawn(process.execPath, ['--import', './src/tracing.mjs', 'src/server.mjs'], {
    cwd: join(root, 'examples', name),
    env: cleanEnv({ HOST: '127.0.0.1', PORT: '0', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | string | null>((resolve) =>
    proc.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const service: Service = { name, url: '', proc, lines: [], stderr: () => stderr, exited };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${stderr}`)), 20_000);
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      service.lines.push(line);
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(line);
      if (match && !service.url) {
        clearTimeout(timer);
        service.url = match[1]!;
        resolve(service);
      }
    });
    void exited.then((code) => reject(new Error(`${name} exited (${code}) before listening:\n${stderr}`)));
  });
}

function newTraceparent(sampled = true): { traceId: string; parentId: string; header: string } {
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  return { traceId, parentId, header: `00-${traceId}-${parentId}-${sampled ? '01' : '00'}` };
}

async function postOrder(body: unknown, sampled = true, headers: Record<string, string> = {}) {
  const tp = newTraceparent(sampled);
  if (sampled) sampledTraces.add(tp.traceId);
  const response = await fetch(`${order.url}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: tp.header, ...headers },
    body: JSON.stringify(body),
  });
  return {
    ...tp,
    status: response.status,
    replayed: response.headers.get('idempotent-replayed'),
    body: (await response.json()) as Record<string, any>,
  };
}

/** Poll until the trace holds a span with each of `names` (the detached tasks end after the response). */
async function waitForTrace(traceId: string, names: string[], timeoutMs = 15_000): Promise<ReceivedSpan[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const spans = receiver.traces().get(traceId) ?? [];
    const missing = names.filter(
      (n) => !spans.some((s) => s.name === n || new RegExp(`^${n}$`).test(s.name)),
    );
    if (missing.length === 0) return spans;
    if (Date.now() > deadline) {
      throw new Error(
        `trace ${traceId} is missing ${missing.join(', ')}; has: ${spans.map((s) => s.name).join(', ')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function one(spans: ReceivedSpan[], name: string | RegExp, service?: string): ReceivedSpan {
  const found = spans.filter(
    (s) =>
      (typeof name === 'string' ? s.name === name : name.test(s.name)) &&
      (!service || s.resource['service.name'] === service),
  );
  expect(
    found.map((s) => s.name),
    `exactly one ${String(name)} span`,
  ).toHaveLength(1);
  return found[0]!;
}

function parentOf(spans: ReceivedSpan[], span: ReceivedSpan): ReceivedSpan | undefined {
  return spans.find((s) => s.spanId === span.parentSpanId);
}

/** Nearest ancestor that satisfies `test` (express layers may sit between a server span and the handler's spans). */
function ancestor(
  spans: ReceivedSpan[],
  span: ReceivedSpan,
  test: (s: ReceivedSpan) => boolean,
): ReceivedSpan | undefined {
  for (let p = parentOf(spans, span); p; p = parentOf(spans, p)) if (test(p)) return p;
  return undefined;
}

/** Send all of `GET /health` but its final blank line; `finish()` sends it and reads the status line. */
async function startSlowRequest(url: string): Promise<() => Promise<string>> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  socket.write(`GET /health HTTP/1.1\r\nHost: ${hostname}\r\n`);
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  const closed = once(socket, 'close');
  socket.on('error', () => {});
  return async () => {
    if (!socket.destroyed) socket.end('\r\n');
    await closed;
    return received.split('\r\n')[0] || `closed without an answer`;
  };
}

function expectHttpStatus(span: ReceivedSpan, status: number, code: 'UNSET' | 'ERROR'): void {
  expect(span.attributes['http.response.status_code'] ?? span.attributes['http.status_code'], span.name).toBe(
    status,
  );
  expect(span.status.code, `${span.name} status`).toBe(code);
}

/** No service logged an error-level line in this trace (pino 50+, winston 'error', text ERROR). */
function expectNoErrorLogs(traceId: string): void {
  const errors = [
    ...logRecords(order).filter((r) => r.trace_id === traceId && r.level >= 50),
    ...logRecords(user).filter((r) => r.trace_id === traceId && r.level === 'error'),
    ...payment.lines.filter((l) => l.includes(traceId) && / ERROR /.test(l)),
  ];
  expect(errors).toEqual([]);
}

function logRecords(service: Service): Record<string, any>[] {
  return service.lines.flatMap((line) => {
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'index.js'))) {
    const build = spawnSync('npx', ['tsup'], { cwd: root, stdio: 'ignore' });
    if (build.status !== 0) throw new Error('npx tsup failed: the examples run against the built library');
  }
  receiver = await startReceiver();
  const otel = {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_BSP_SCHEDULE_DELAY: '50',
    OTEL_LOG_LEVEL: 'warn',
  };
  [user, payment] = await Promise.all([
    start('user-service', { ...otel, DATABASE_URL, REDIS_URL }),
    start('payment-service', otel),
  ]);
  order = await start('order-service', {
    ...otel,
    USER_SERVICE_URL: user.url,
    PAYMENT_SERVICE_URL: payment.url,
  });
}, 60_000);

afterAll(async () => {
  for (const s of [order, user, payment]) if (s && s.proc.exitCode === null) s.proc.kill('SIGKILL');
  await receiver?.stop();
});

describe('example services end to end', () => {
  it('health and readiness endpoints answer and are not traced', async () => {
    for (const s of [order, user, payment]) {
      expect((await fetch(`${s.url}/health`)).status).toBe(200);
      expect((await fetch(`${s.url}/ready`)).status).toBe(200);
    }
  });

  it('one order is one trace across the three services, with the exact chain, attributes, events, pg and redis spans and correlated logs', async () => {
    const res = await postOrder({ customerId: 'user-1', items: [{ sku: 'SKU-BOOK', quantity: 2 }] });
    expect(res.status).toBe(201);
    const spans = await waitForTrace(res.traceId, [
      'send_order_confirmation',
      'record_user_lookup',
      'record_ledger_entry',
      'payment_gateway_call',
      'pg\\.query.*',
      'set',
    ]);
    expect(new Set(spans.map((s) => s.resource['service.name']))).toEqual(
      new Set(['order-service', 'user-service', 'payment-service']),
    );

    // order-service
    const server = one(spans, 'POST /orders');
    expect(server).toMatchObject({ kind: 'SERVER', parentSpanId: res.parentId });
    expect(server.attributes['http.route']).toBe('/orders');
    const create = one(spans, 'create_order');
    expect(ancestor(spans, create, (s) => s.kind === 'SERVER')?.spanId).toBe(server.spanId);
    expect(create.attributes).toMatchObject({
      'customer.id': 'user-1',
      'order.item_count': 2,
      'order.id': res.body.id,
    });
    expect(create.status.code).toBe('UNSET');
    const paid = create.events.find((e) => e.name === 'payment_completed');
    expect(paid?.attributes).toMatchObject({
      'payment.amount': 50,
      'payment.currency': 'EUR',
      'payment.transaction_id': res.body.transactionId,
    });
    for (const name of ['check_inventory', 'save_order', 'send_order_confirmation']) {
      expect(parentOf(spans, one(spans, name))?.spanId, name).toBe(create.spanId);
    }
    expect(one(spans, 'check_inventory').attributes['inventory.all_available']).toBe(true);
    const clients = spans.filter(
      (s) => s.kind === 'CLIENT' && s.resource['service.name'] === 'order-service',
    );
    expect(clients.map((s) => s.name).sort()).toEqual(['GET', 'POST']);
    for (const c of clients) expect(c.parentSpanId).toBe(create.spanId);

    // user-service: joined through W3C traceparent
    const userServer = one(spans, 'GET /users/:id');
    expect(userServer.parentSpanId).toBe(clients.find((c) => c.name === 'GET')!.spanId);
    const getUser = one(spans, 'get_user');
    expect(ancestor(spans, getUser, (s) => s.kind === 'SERVER')?.spanId).toBe(userServer.spanId);
    const dbQuery = one(spans, 'db.query');
    expect(dbQuery.parentSpanId).toBe(getUser.spanId);
    expect(dbQuery.attributes).toMatchObject({
      'db.system': 'postgresql',
      'db.operation': 'SELECT',
      'user.id': 'user-1',
    });
    const pgQuery = one(spans, /^pg\.query/);
    expect(pgQuery).toMatchObject({ kind: 'CLIENT', parentSpanId: dbQuery.spanId });
    expect(pgQuery.attributes['db.system'] ?? pgQuery.attributes['db.system.name']).toBe('postgresql');
    const cacheSet = one(spans, 'cache.set');
    expect(cacheSet.parentSpanId).toBe(getUser.spanId);
    const redisSet = one(spans, 'set');
    expect(redisSet).toMatchObject({ kind: 'CLIENT', parentSpanId: cacheSet.spanId });
    expect(redisSet.attributes['db.system'] ?? redisSet.attributes['db.system.name']).toBe('redis');
    expect(parentOf(spans, one(spans, 'record_user_lookup'))?.spanId).toBe(getUser.spanId);

    // payment-service: B3 only, still in the same trace, following the caller's sampled decision
    const paymentServer = one(spans, 'POST /payments');
    expect(paymentServer.parentSpanId).toBe(clients.find((c) => c.name === 'POST')!.spanId);
    const process = one(spans, 'ProcessPayment');
    expect(ancestor(spans, process, (s) => s.kind === 'SERVER')?.spanId).toBe(paymentServer.spanId);
    expect(process.attributes).toMatchObject({ 'order.id': res.body.id, 'payment.amount': 50 });
    const fraud = one(spans, 'fraud_detection');
    const gateway = one(spans, 'payment_gateway_call');
    expect(fraud.parentSpanId).toBe(process.spanId);
    expect(fraud.attributes['fraud.detected']).toBe(false);
    expect(gateway.parentSpanId).toBe(process.spanId);
    expect(gateway.attributes['payment.transaction_id']).toBe(res.body.transactionId);

    expect(spans.filter((s) => s.status.code === 'ERROR')).toEqual([]);

    // `import express from 'express'` is instrumented (the --import preload), and once: one span
    // per layer, directly under the server span (the router instrumentation would add a second).
    const layers = (parent: ReceivedSpan) =>
      spans
        .filter((s) => s.parentSpanId === parent.spanId && s.scope.name.endsWith('instrumentation-express'))
        .map((s) => s.name)
        .sort();
    expect(layers(server)).toEqual(['middleware - jsonParser', 'request handler']);
    expect(layers(userServer)).toEqual(['request handler']);
    expect(layers(paymentServer)).toEqual(['middleware - jsonParser', 'request handler']);
    expect(spans.filter((s) => s.scope.name.endsWith('instrumentation-router'))).toEqual([]);

    // logs: pino (order), winston (user), text (payment) carry the ids of the span they were written in
    const created = logRecords(order).find((r) => r.msg === 'order created' && r.trace_id === res.traceId);
    expect(created).toMatchObject({ span_id: create.spanId, trace_flags: '01' });
    const loaded = logRecords(user).find((r) => r.message === 'user loaded' && r.trace_id === res.traceId);
    expect(loaded).toMatchObject({ span_id: getUser.spanId });
    expect(payment.lines.find((l) => l.includes('captured'))).toContain(
      `[trace_id=${res.traceId} span_id=${process.spanId}]`,
    );
  });

  it('out of stock: 409 and ERROR on create_order, no downstream call', async () => {
    const res = await postOrder({ customerId: 'user-2', items: [{ sku: 'SKU-RARE', quantity: 1 }] });
    expect(res.status).toBe(409);
    const spans = await waitForTrace(res.traceId, ['POST /orders', 'create_order', 'check_inventory']);
    expect(one(spans, 'create_order').status).toEqual({ code: 'ERROR', message: 'Out of stock' });
    expect(one(spans, 'check_inventory').attributes['inventory.all_available']).toBe(false);
    expect(new Set(spans.map((s) => s.resource['service.name']))).toEqual(new Set(['order-service']));
    expectHttpStatus(one(spans, 'POST /orders'), 409, 'UNSET');
    expectNoErrorLogs(res.traceId);
  });

  it('fraud: 402, ERROR with exceptions in payment-service and order-service', async () => {
    const res = await postOrder({ customerId: 'user-1', items: [{ sku: 'SKU-WATCH', quantity: 1 }] });
    expect(res.status).toBe(402);
    const spans = await waitForTrace(res.traceId, ['create_order', 'ProcessPayment', 'fraud_detection']);
    const process = one(spans, 'ProcessPayment');
    expect(process.status.code).toBe('ERROR');
    expect(process.events.find((e) => e.name === 'exception')?.attributes['exception.type']).toBe(
      'FraudDetectedError',
    );
    expect(one(spans, 'fraud_detection').attributes['fraud.detected']).toBe(true);
    expect(spans.some((s) => s.name === 'payment_gateway_call')).toBe(false);
    const create = one(spans, 'create_order');
    expect(create.status.code).toBe('ERROR');
    expect(create.events.find((e) => e.name === 'exception')?.attributes['exception.type']).toBe(
      'PaymentDeclinedError',
    );
    // A declined payment is an answer, not a fault: warn with the reason, no error line anywhere.
    expect(
      logRecords(order).find((r) => r.msg === 'order rejected' && r.trace_id === res.traceId),
    ).toMatchObject({ level: 40, status: 402, reason: expect.stringContaining('fraud suspected') });
    expectNoErrorLogs(res.traceId);
    // Semantic conventions: a 4xx is no error on a SERVER span (the caller's mistake), and is one on
    // the CLIENT span that received it.
    expectHttpStatus(one(spans, 'POST /orders'), 402, 'UNSET');
    expectHttpStatus(one(spans, 'POST /payments'), 402, 'UNSET');
    expectHttpStatus(one(spans, 'POST', 'order-service'), 402, 'ERROR');
  });

  it('unknown user: 422, "User not found" ERROR in user-service, exception on create_order', async () => {
    const res = await postOrder({ customerId: 'user-404', items: [{ sku: 'SKU-BOOK', quantity: 1 }] });
    expect(res.status).toBe(422);
    const spans = await waitForTrace(res.traceId, ['create_order', 'get_user', 'db.query', 'pg\\.query.*']);
    expect(one(spans, 'get_user').status).toEqual({ code: 'ERROR', message: 'User not found' });
    expect(
      one(spans, 'GET /users/:id').attributes['http.response.status_code'] ??
        one(spans, 'GET /users/:id').attributes['http.status_code'],
    ).toBe(404);
    const create = one(spans, 'create_order');
    expect(create.status.code).toBe('ERROR');
    expect(create.events.find((e) => e.name === 'exception')?.attributes['exception.type']).toBe(
      'UnknownCustomerError',
    );
    expect(spans.some((s) => s.resource['service.name'] === 'payment-service')).toBe(false);
    expect(
      logRecords(order).find((r) => r.msg === 'order rejected' && r.trace_id === res.traceId),
    ).toMatchObject({ level: 40, status: 422, reason: 'Customer user-404 not found' });
    expectNoErrorLogs(res.traceId);
    expectHttpStatus(one(spans, 'POST /orders'), 422, 'UNSET');
    expectHttpStatus(one(spans, 'GET /users/:id'), 404, 'UNSET');
    expectHttpStatus(one(spans, 'GET', 'order-service'), 404, 'ERROR');
  });

  it('a client retry with the same Idempotency-Key charges once and answers with the same order; another body is a 422', async () => {
    const key = { 'idempotency-key': randomBytes(16).toString('hex') };
    const body = { customerId: 'user-1', items: [{ sku: 'SKU-LAMP', quantity: 1 }] };
    const first = await postOrder(body, true, key);
    const retry = await postOrder(body, true, key);
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.body).toEqual(first.body);
    expect([first.replayed, retry.replayed]).toEqual([null, 'true']);
    const conflict = await postOrder({ ...body, items: [{ sku: 'SKU-LAMP', quantity: 2 }] }, true, key);
    expect(conflict).toMatchObject({
      status: 422,
      body: { error: 'Idempotency-Key already used for another order' },
    });

    // The retry's trace: create_order marked order.replayed, and no payment at all.
    const spans = await waitForTrace(retry.traceId, ['POST /orders', 'create_order']);
    expect(one(spans, 'create_order').attributes).toMatchObject({
      'order.id': first.body.id,
      'order.replayed': true,
    });
    expect(spans.filter((s) => s.resource['service.name'] !== 'order-service')).toEqual([]);
    await waitForTrace(first.traceId, ['record_ledger_entry']);
    // Asked unsampled (B3, all payment-service reads): a trace it started itself would be sampled at 10 %.
    const unsampled = {
      'x-b3-traceid': randomBytes(16).toString('hex'),
      'x-b3-spanid': randomBytes(8).toString('hex'),
      'x-b3-sampled': '0',
    };
    const ledger = (await (
      await fetch(`${payment.url}/payments?orderId=${first.body.id}`, { headers: unsampled })
    ).json()) as { entries: { transactionId: string; type: string }[] };
    expect(ledger.entries).toEqual([
      { orderId: first.body.id, transactionId: first.body.transactionId, type: 'capture' },
    ]);
    expectNoErrorLogs(retry.traceId);
  });

  it('an unsampled caller (flags 00) produces no spans anywhere, and SIGTERM exits every service with 0', async () => {
    const unsampled = await postOrder(
      { customerId: 'user-3', items: [{ sku: 'SKU-LAMP', quantity: 1 }] },
      false,
    );
    expect(unsampled.status).toBe(201);
    // A request still arriving when SIGTERM comes (its last header line 3.5 s later: a slow
    // client) is answered before the service exits, not cut after 3 s as the examples once did.
    const slow = await Promise.all([order, user, payment].map((s) => startSlowRequest(s.url)));
    // SIGTERM makes every service flush whatever it still holds: after this, nothing more can arrive.
    const codes = Promise.all(
      [order, user, payment].map((s) => {
        s.proc.kill('SIGTERM');
        return s.exited;
      }),
    );
    await new Promise((r) => setTimeout(r, 3500));
    expect(await Promise.all(slow.map((finish) => finish()))).toEqual(Array(3).fill('HTTP/1.1 200 OK'));
    expect(await codes, [order, user, payment].map((s) => s.stderr()).join('\n')).toEqual([0, 0, 0]);
    expect(receiver.traces().get(unsampled.traceId)).toBeUndefined();
    // Nor did payment-service (10 % root sampling) or a detached task start a trace of its own;
    // and the health checks left no span.
    // (The one other trace is user-service's start-up schema migration.)
    const others = [...receiver.traces().entries()].filter(([id]) => !sampledTraces.has(id));
    expect(others.map(([, spans]) => spans.find((s) => !s.parentSpanId)?.name)).toEqual([
      'migrate_users_table',
    ]);
    expect(
      receiver
        .spans()
        .filter((s) =>
          /\/(health|ready)\b/.test(
            `${s.name} ${s.attributes['url.path'] ?? s.attributes['http.target'] ?? ''}`,
          ),
        ),
    ).toEqual([]);
  });
});

describe("the examples' own unit tests", () => {
  it('pass under node --test, as a team that copied a folder would run them', () => {
    const files = [
      'order-service/test/orders.test.mjs',
      'order-service/test/http-client.test.mjs',
      'order-service/test/app.test.mjs',
      'order-service/test/shutdown.test.mjs',
      'order-service/test/idempotency-key.test.mjs',
      'order-service/test/payment-client.test.mjs',
      'order-service/test/config.test.mjs',
      'user-service/test/users.test.mjs',
      'user-service/test/user-store.test.mjs',
      'user-service/test/cache.test.mjs',
      'user-service/test/app.test.mjs',
      'user-service/test/config.test.mjs',
      'payment-service/test/payments.test.mjs',
      'payment-service/test/app.test.mjs',
      'payment-service/test/config.test.mjs',
      'payment-service/test/idempotency-key.test.mjs',
      'payment-service/test/idempotency-store.test.mjs',
    ];
    const run = spawnSync(
      process.execPath,
      ['--test', '--test-reporter=tap', ...files.map((f) => join(root, 'examples', f))],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
        timeout: 60_000,
      },
    );
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/# pass 61\b/);
  });
});
