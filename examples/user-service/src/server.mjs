// Entry point: `node --import ./src/tracing.mjs src/server.mjs` (see tracing.mjs for why --import).
// Importing `tracing` below only fetches the handle (for the shutdown flush): the URL is the
// preloaded one, so it is the same module instance, already evaluated.
import { createApp } from './app.mjs';
import { createMemoryCache, createRedisCache } from './cache.mjs';
import { loadConfig } from './config.mjs';
import { createLogger } from './logger.mjs';
import { tracing } from './tracing.mjs';
import { createMemoryUserStore, createPgUserStore } from './user-store.mjs';
import { createUserService } from './users.mjs';

const config = loadConfig();
const logger = createLogger({ level: config.logLevel });
const store = config.databaseUrl ? createPgUserStore(config.databaseUrl) : createMemoryUserStore();
const cache = config.redisUrl ? createRedisCache(config.redisUrl) : createMemoryCache();
if (!config.databaseUrl || !config.redisUrl) {
  logger.info(
    `using embedded ${[!config.databaseUrl && 'database', !config.redisUrl && 'cache'].filter(Boolean).join(' and ')} (set DATABASE_URL / REDIS_URL for the real ones)`,
  );
}
await store.init();
const users = createUserService({ store, cache, logger, cacheTtlSeconds: config.cacheTtlSeconds });
const server = createApp({ users, logger }).listen(config.port, config.host, () => {
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  logger.info(`listening on http://${config.host}:${address.port}`);
});

// Kubernetes kills a pod 30 s after SIGTERM (terminationGracePeriodSeconds). Requests still
// running get REQUEST_GRACE_MS to finish, more than one can take here
// (a connection and a query of at most 5 s each), and are then cut.
const REQUEST_GRACE_MS = 15_000;

let stopping = false;
/** Stop accepting, finish in-flight requests, close pools, flush spans, then exit 0. */
async function shutdown(/** @type {string} */ signal) {
  if (stopping) return;
  stopping = true;
  logger.info(`${signal} received, shutting down`);
  const closed = new Promise((resolve) => server.close(resolve));
  // server.close() closes the idle keep-alive connections once; one whose request ends later would
  // hold the server open for keepAliveTimeout, so close connections as they go idle.
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  const force = setTimeout(() => server.closeAllConnections(), REQUEST_GRACE_MS);
  await closed;
  clearInterval(idle);
  clearTimeout(force);
  await users.drain();
  await Promise.allSettled([store.close(), cache.close()]);
  await tracing.shutdown();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
