// The JSON client against a misbehaving neighbour on 127.0.0.1: it must give up, not wait or buffer.
// Run: node --test examples/order-service/test/
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { DownstreamError, requestJson } from '../src/http-client.mjs';

/** @type {http.Server} */
let server;
let base = '';

before(async () => {
  server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url === '/huge') {
      // 16 MiB: a client that reads whatever it is sent holds all of it.
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let left = 256;
      const pump = () => {
        while (left > 0 && !res.destroyed) {
          left -= 1;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    } else if (req.url === '/trickle') {
      // One byte every 20 ms for 3 s: the socket is never idle long enough for an idle timeout.
      const timer = setInterval(() => res.write(' '), 20);
      const end = setTimeout(() => res.end('{}'), 3000);
      res.on('close', () => {
        clearInterval(timer);
        clearTimeout(end);
      });
    } else {
      res.end('{"ok":true}');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

test('a JSON answer is parsed', async () => {
  assert.deepEqual(await requestJson(`${base}/ok`), { status: 200, body: { ok: true } });
});

test('a body over maxBytes is cut off with a DownstreamError, not read into memory', async () => {
  await assert.rejects(requestJson(`${base}/huge`, { maxBytes: 256 * 1024, timeoutMs: 10_000 }), (error) => {
    assert.ok(error instanceof DownstreamError, String(error?.stack ?? JSON.stringify(error)));
    assert.match(error.message, /over 262144 bytes/);
    return true;
  });
});

test('timeoutMs bounds the whole call: a body trickled byte by byte still ends in a DownstreamError', async () => {
  const started = Date.now();
  await assert.rejects(requestJson(`${base}/trickle`, { timeoutMs: 300 }), (error) => {
    assert.ok(error instanceof DownstreamError, String(error?.stack ?? JSON.stringify(error)));
    assert.match(error.message, /timed out after 300 ms/);
    return true;
  });
  assert.ok(Date.now() - started < 2000, `gave up after ${Date.now() - started} ms`);
});

test("a failure's message names the neighbour without the URL's password or query", async () => {
  // A port nobody listens on: the call fails at once.
  const closed = http.createServer();
  await new Promise((resolve) => closed.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (closed.address());
  await new Promise((resolve) => closed.close(resolve));

  const url = `http://svc-orders:s3cr3t-pw@127.0.0.1:${port}/users/u-1?api_key=k3y-in-query`;
  const error = await requestJson(url).catch((e) => e);
  assert.ok(error instanceof DownstreamError, String(error));
  assert.equal(
    error.message,
    `GET http://127.0.0.1:${port}/users/u-1 failed: connect ECONNREFUSED 127.0.0.1:${port}`,
  );
  assert.doesNotMatch(String(error.stack), /s3cr3t-pw|k3y-in-query|svc-orders/);
});

test('a GET on a kept-alive connection the neighbour closed meanwhile is sent again once; a POST only with an idempotency-key', async () => {
  // A neighbour that is shutting down (or whose idle timeout fired) closes idle connections; a
  // request already written to one is lost with ECONNRESET although it never reached the handler.
  const seen = [];
  const closing = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.socket.remotePort}`);
    const socket = /** @type {import('node:net').Socket & { served?: boolean }} */ (req.socket);
    if (socket.served) return void socket.destroy();
    socket.served = true;
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise((resolve) => closing.listen(0, '127.0.0.1', () => resolve(undefined)));
  const url = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (closing.address()).port}/x`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    assert.equal((await requestJson(url, { agent })).status, 200);
    assert.equal((await requestJson(url, { agent })).status, 200);
    assert.equal(seen.length, 3); // the lost one, then the one sent again on a new connection

    await assert.rejects(requestJson(url, { agent, method: 'POST', body: {} }), DownstreamError);
    assert.equal(seen.filter((s) => s.startsWith('POST')).length, 1);

    // The neighbour answers a repeat of the key with the first outcome: sending it again is safe.
    assert.equal((await requestJson(url, { agent })).status, 200);
    const keyed = { agent, method: 'POST', body: {}, headers: { 'idempotency-key': 'k-1' } };
    assert.equal((await requestJson(url, keyed)).status, 200);
    assert.equal(seen.filter((s) => s.startsWith('POST')).length, 3);
  } finally {
    agent.destroy();
    closing.close();
  }
});
