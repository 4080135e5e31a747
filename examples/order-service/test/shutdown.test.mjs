// SIGTERM to the real service (`node --import ./src/tracing.mjs src/server.mjs`, as `npm start`)
// while an order is waiting on a slow neighbour: the order must be answered, then the process
// exits 0. Run: node --test examples/order-service/test/
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const cwd = fileURLToPath(new URL('..', import.meta.url));

test('SIGTERM during an order: the order still gets its answer, then exit 0', {
  timeout: 30_000,
}, async () => {
  // user-service and payment-service in one: the user lookup takes 4 s, within the client's 5 s.
  const neighbour = http.createServer((req, res) => {
    const body = req.url?.startsWith('/users/')
      ? { id: 'user-1', name: 'Ada', email: 'ada@example.com', tier: 'gold' }
      : { transactionId: 'txn_1' };
    setTimeout(
      () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
      req.url?.startsWith('/users/') ? 4000 : 0,
    );
  });
  await new Promise((resolve) => neighbour.listen(0, '127.0.0.1', () => resolve(undefined)));
  const neighbourUrl = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (neighbour.address()).port}`;
  const env = {
    ...process.env,
    NODE_OPTIONS: '',
    PORT: '0',
    HOST: '127.0.0.1',
    OTEL_TRACES_EXPORTER: 'none',
  };
  const child = spawn(process.execPath, ['--import', './src/tracing.mjs', 'src/server.mjs'], {
    cwd,
    env: { ...env, USER_SERVICE_URL: neighbourUrl, PAYMENT_SERVICE_URL: neighbourUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  try {
    const url = await new Promise((resolve, reject) => {
      createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) }).on(
        'line',
        (line) => {
          const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(line);
          if (match) resolve(match[1]);
        },
      );
      child.once('exit', (code) => reject(new Error(`exited (${code}) before listening`)));
    });
    const answer = fetch(`${url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'user-1', items: [{ sku: 'SKU-BOOK', quantity: 1 }] }),
    }).then(
      (res) => res.status,
      (error) => `failed: ${error.cause?.code ?? error.message}`,
    );
    setTimeout(() => child.kill('SIGTERM'), 500);
    assert.equal(await answer, 201);
    assert.equal(await exited, 0);
  } finally {
    child.kill('SIGKILL');
    neighbour.closeAllConnections();
    neighbour.close();
  }
});
