// Entry point: `node --import ./src/tracing.mjs src/server.mjs` (see tracing.mjs for why --import).
// Importing `tracing` below only fetches the handle (for the shutdown flush): the URL is the
// preloaded one, so it is the same module instance, already evaluated.
import { createApp } from './app.mjs';
import { loadConfig } from './config.mjs';
import { logCrashes, serve } from './http-server.mjs';
import { createLogger } from './logger.mjs';
import { createPaymentService } from './payments.mjs';
import { tracing } from './tracing.mjs';

const config = loadConfig();
const logger = createLogger({ level: /** @type {any} */ (config.logLevel) });
logCrashes(logger);
for (const warning of config.warnings) logger.warn(warning);
const payments = createPaymentService({
  logger,
  fraudThreshold: config.fraudThreshold,
  gatewayLatencyMs: config.gatewayLatencyMs,
});
// SIGTERM: stop accepting, finish requests (at most 15 s) and the ledger entries still being
// written, flush the spans and exit 0, all within SHUTDOWN_TIMEOUT_MS (25 s). See http-server.mjs.
serve(createApp({ payments, logger }), {
  host: config.host,
  port: config.port,
  settings: config.server,
  logger,
  tracing,
  background: payments,
});
