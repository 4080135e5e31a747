// Entry point: `node --import ./src/tracing.mjs src/server.mjs` (see tracing.mjs for why --import).
// Importing `tracing` below only fetches the handle (for the shutdown flush): the URL is the
// preloaded one, so it is the same module instance, already evaluated.
import { createApp } from './app.mjs';
import { loadConfig } from './config.mjs';
import { createLogger } from './logger.mjs';
import { createPaymentService } from './payments.mjs';
import { tracing } from './tracing.mjs';

const config = loadConfig();
const logger = createLogger({ level: /** @type {any} */ (config.logLevel) });
const payments = createPaymentService({ logger, fraudThreshold: config.fraudThreshold });
const server = createApp({ payments, logger }).listen(config.port, config.host, () => {
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  logger.info(`listening on http://${config.host}:${address.port}`);
});

// Kubernetes kills a pod 30 s after SIGTERM (terminationGracePeriodSeconds). Requests still
// running get REQUEST_GRACE_MS to finish, more than one can take here
// (milliseconds; a real gateway call may take seconds), and are then cut.
const REQUEST_GRACE_MS = 15_000;

let stopping = false;
/** Stop accepting, finish in-flight requests, flush spans, then exit 0. */
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
  await payments.drain();
  await tracing.shutdown();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
