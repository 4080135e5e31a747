// Entry point: `node --import ./src/tracing.mjs src/server.mjs` (see tracing.mjs for why --import).
// Importing `tracing` below only fetches the handle (for the shutdown flush): the URL is the
// preloaded one, so it is the same module instance, already evaluated.
import { createApp } from './app.mjs';
import { createMemoryCache, createRedisCache } from './cache.mjs';
import { loadConfig } from './config.mjs';
import { logCrashes, serve } from './http-server.mjs';
import { createLogger } from './logger.mjs';
import { tracing } from './tracing.mjs';
import { createMemoryUserStore, createPgUserStore } from './user-store.mjs';
import { createUserService } from './users.mjs';

const config = loadConfig();
const logger = createLogger({ level: config.logLevel });
logCrashes(logger);
for (const warning of config.warnings) logger.warn(warning);
const store = config.databaseUrl
  ? createPgUserStore(config.databaseUrl, { logger })
  : createMemoryUserStore();
const cache = config.redisUrl ? createRedisCache(config.redisUrl) : createMemoryCache();
if (!config.databaseUrl || !config.redisUrl) {
  logger.info(
    `using embedded ${[!config.databaseUrl && 'database', !config.redisUrl && 'cache'].filter(Boolean).join(' and ')} (set DATABASE_URL / REDIS_URL for the real ones)`,
  );
}
await store.init();
const users = createUserService({ store, cache, logger, cacheTtlSeconds: config.cacheTtlSeconds });
// SIGTERM: stop accepting, finish requests (at most 15 s) and the lookups still being recorded,
// close the pool and Redis, flush the spans and exit 0, all within SHUTDOWN_TIMEOUT_MS (25 s).
// See http-server.mjs.
serve(createApp({ users, logger }), {
  host: config.host,
  port: config.port,
  settings: config.server,
  logger,
  tracing,
  background: users,
  close: () => Promise.allSettled([store.close(), cache.close()]),
});
