// Entry point: `node --import ./src/tracing.mjs src/server.mjs` (see tracing.mjs for why --import).
// Importing `tracing` below only fetches the handle (for the shutdown flush): the URL is the
// preloaded one, so it is the same module instance, already evaluated.
import { createApp } from './app.mjs';
import { createPaymentClient, createUserClient } from './clients.mjs';
import { loadConfig } from './config.mjs';
import { logCrashes, serve } from './http-server.mjs';
import { createInventory } from './inventory.mjs';
import { createLogger } from './logger.mjs';
import { createOrderService } from './orders.mjs';
import { tracing } from './tracing.mjs';

const config = loadConfig();
const logger = createLogger({ level: config.logLevel });
logCrashes(logger);
for (const warning of config.warnings) logger.warn(warning);
const orders = createOrderService({
  users: createUserClient(config.userServiceUrl),
  payments: createPaymentClient(config.paymentServiceUrl, { timeoutMs: config.paymentTimeoutMs }),
  inventory: createInventory(),
  logger,
});
// SIGTERM: stop accepting, finish requests (at most 15 s) and the confirmations still being sent,
// flush the spans and exit 0, all within SHUTDOWN_TIMEOUT_MS (25 s). See http-server.mjs.
serve(createApp({ orders, logger }), {
  host: config.host,
  port: config.port,
  settings: config.server,
  logger,
  tracing,
  background: orders,
});
