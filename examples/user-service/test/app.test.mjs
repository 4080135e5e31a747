// The HTTP layer on 127.0.0.1, on the embedded store and cache. Run: npm test (in examples/user-service)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import winston from 'winston';
import { createApp } from '../src/app.mjs';
import { createMemoryCache } from '../src/cache.mjs';
import { createLogger } from '../src/logger.mjs';
import { createMemoryUserStore } from '../src/user-store.mjs';
import { createUserService } from '../src/users.mjs';

/** @type {import('node:http').Server} */
let server;
let base = '';
/** @type {string[]} */
const looked = [];

before(async () => {
  const logger = createLogger({ transport: new winston.transports.Console({ silent: true }) });
  const users = createUserService({ store: createMemoryUserStore(), cache: createMemoryCache(), logger });
  const spy = {
    ...users,
    /** @param {string} id */
    getUser: (id) => {
      looked.push(id);
      return users.getUser(id);
    },
  };
  server = createApp({ users: spy, logger }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
});
after(() => server.close());

test('a user id is bounded: a long or dot-only one is a 400, looked up nowhere', async () => {
  for (const id of ['x'.repeat(10_000), '.hidden', 'user-1%0A']) {
    assert.equal((await fetch(`${base}/users/${id}`)).status, 400, id.slice(0, 20));
  }
  assert.deepEqual(looked, []);
  assert.equal((await fetch(`${base}/users/user-1`)).status, 200);
  assert.equal((await fetch(`${base}/users/user-404`)).status, 404);
});

test('answers do not name the framework (no X-Powered-By)', async () => {
  assert.equal((await fetch(`${base}/users/user-1`)).headers.get('x-powered-by'), null);
});
