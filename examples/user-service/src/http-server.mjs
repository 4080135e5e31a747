// Serving HTTP in production: the connection timeouts a load balancer needs and a graceful
// shutdown that always leaves time to flush the spans. The same file in every example service
// (each folder is copied alone as a template); test/e2e/example-shutdown.test.ts keeps them equal.

/**
 * @typedef {object} ServerSettings
 * @property {number} keepAliveTimeoutMs how long an idle keep-alive connection is kept open
 * @property {number} headersTimeoutMs how long a request's headers may take to arrive
 * @property {number} shutdownTimeoutMs how long SIGTERM may take, from the signal to the exit
 */

/** @type {ServerSettings} */
export const DEFAULT_SERVER_SETTINGS = Object.freeze({
  // Node closes an idle connection after 5 s by default. An AWS ALB (60 s), NGINX upstream keepalive
  // (60 s) or GCP LB (600 s, configurable) keeps it longer, so it sometimes sends a request on a
  // connection Node is closing at that moment and answers its caller 502. The server must be the
  // side that waits longer.
  keepAliveTimeoutMs: 65_000,
  // Above keepAliveTimeout: Node times a request's headers from the moment the connection goes
  // idle, so a lower headersTimeout would cut a kept-alive connection's next request.
  headersTimeoutMs: 66_000,
  // Kubernetes SIGKILLs a pod 30 s (terminationGracePeriodSeconds) after SIGTERM; what is not
  // flushed by then, the last spans above all, is lost. 25 s leaves a margin.
  shutdownTimeoutMs: 25_000,
});

/** Requests still running at SIGTERM get this long to finish (at most), then are cut. */
const REQUEST_GRACE_MS = 15_000;
/** The span flush's share of the shutdown budget (at most; a third of a smaller budget). */
const FLUSH_RESERVE_MS = 5_000;

/**
 * Read the server settings from the environment. A bad value is not fatal: it adds one line to
 * `warnings` naming the variable, the value and what is used instead.
 * @param {Record<string, string | undefined>} env
 * @param {string[]} warnings
 * @returns {ServerSettings}
 */
export function readServerSettings(env, warnings) {
  const defaults = DEFAULT_SERVER_SETTINGS;
  const keepAliveTimeoutMs = readMs(
    env,
    'KEEP_ALIVE_TIMEOUT_MS',
    defaults.keepAliveTimeoutMs,
    1_000,
    290_000,
    warnings,
  );
  const headersFallback = Math.max(defaults.headersTimeoutMs, keepAliveTimeoutMs + 1_000);
  let headersTimeoutMs = readMs(env, 'HEADERS_TIMEOUT_MS', headersFallback, 1_000, 300_000, warnings);
  if (headersTimeoutMs <= keepAliveTimeoutMs) {
    warnings.push(
      `HEADERS_TIMEOUT_MS=${env.HEADERS_TIMEOUT_MS} is not above KEEP_ALIVE_TIMEOUT_MS (${keepAliveTimeoutMs}), using ${keepAliveTimeoutMs + 1_000}`,
    );
    headersTimeoutMs = keepAliveTimeoutMs + 1_000;
  }
  const shutdownTimeoutMs = readMs(
    env,
    'SHUTDOWN_TIMEOUT_MS',
    defaults.shutdownTimeoutMs,
    1_000,
    3_600_000,
    warnings,
  );
  return Object.freeze({ keepAliveTimeoutMs, headersTimeoutMs, shutdownTimeoutMs });
}

/**
 * @param {Record<string, string | undefined>} env
 * @param {string} name
 * @param {number} fallback
 * @param {number} min
 * @param {number} max
 * @param {string[]} warnings
 */
function readMs(env, name, fallback, min, max, warnings) {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (/^\d+$/.test(raw) && value >= min && value <= max) return value;
  warnings.push(
    `${name}=${env[name]} is not a whole number of milliseconds in [${min}, ${max}], using ${fallback}`,
  );
  return fallback;
}

/**
 * @typedef {object} ServeOptions
 * @property {string} host
 * @property {number} port
 * @property {ServerSettings} settings
 * @property {{ info(message: string): unknown, warn(message: string): unknown, error(message: string): unknown }} logger
 * @property {{ shutdown(): Promise<void> }} tracing
 * @property {{ drain(): Promise<unknown>, running(): number }} [background] fire-and-forget work
 * @property {() => Promise<unknown>} [close] pools and clients to close once requests are done
 */

/**
 * Listen, log a crash as an error line, and on SIGTERM/SIGINT shut down within `settings.shutdownTimeoutMs`: stop accepting,
 * let requests finish (cut after 15 s), wait for background work, close, flush the spans, exit 0.
 * Each phase has a deadline, so one stuck task cannot hold the process until it is SIGKILLed with
 * the spans unsent: the flush always keeps its share, and what was abandoned is logged.
 * @param {import('node:http').RequestListener} app
 * @param {ServeOptions} options
 */
export function serve(app, { host, port, settings, logger, tracing, background, close }) {
  let stopping = false;
  const server = /** @type {import('node:http').Server} */ (
    /** @type {any} */ (app).listen(port, host, () => {
      const address = /** @type {import('node:net').AddressInfo} */ (server.address());
      logger.info(`listening on http://${host}:${address.port}`);
    })
  );
  server.keepAliveTimeout = settings.keepAliveTimeoutMs;
  server.headersTimeout = settings.headersTimeoutMs;
  server.requestTimeout = Math.max(server.requestTimeout, settings.headersTimeoutMs);

  /** @param {string} signal */
  async function shutdown(signal) {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    const budget = settings.shutdownTimeoutMs;
    const flushMs = Math.min(FLUSH_RESERVE_MS, Math.floor(budget / 3));
    const workDeadline = started + budget - flushMs;
    logger.info(`${signal} received, shutting down (within ${budget} ms)`);

    const closed = new Promise((resolve) => server.close(resolve));
    // server.close() closes the idle keep-alive connections once; one whose request ends later
    // would hold the server open for keepAliveTimeout, so close connections as they go idle.
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const graceMs = Math.min(REQUEST_GRACE_MS, workDeadline - started);
    const force = setTimeout(() => {
      logger.warn(`requests still running ${graceMs} ms after ${signal}: their connections are closed`);
      server.closeAllConnections();
    }, graceMs);
    await closed;
    clearInterval(idle);
    clearTimeout(force);

    if (background && !(await settledWithin(background.drain(), workDeadline - Date.now()))) {
      logger.warn(
        `${background.running()} background task(s) still running ${Date.now() - started} ms after ${signal}: abandoned`,
      );
    }
    if (close && !(await settledWithin(close(), workDeadline - Date.now()))) {
      logger.warn(
        `connections to the database or cache not closed ${Date.now() - started} ms after ${signal}`,
      );
    }
    // tracing.shutdown() is bounded by its own timeout too (ACME_OTEL_SHUTDOWN_TIMEOUT, 5 s).
    if (!(await settledWithin(tracing.shutdown(), started + budget - Date.now()))) {
      logger.warn(`spans not flushed within the ${budget} ms shutdown budget`);
    }
    process.exit(0);
  }
  // Node prints an uncaught exception (or unhandled rejection) as plain text on stderr and exits 1;
  // a log pipeline reading JSON lines would have no error-level line for the crash. The monitor
  // only observes: Node still prints and exits 1, and the library still flushes the spans.
  process.on('uncaughtExceptionMonitor', (error, origin) => {
    logger.error(`process crashed (${origin}): ${error instanceof Error ? error.stack : String(error)}`);
  });
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  return {
    server,
    /** True from the shutdown signal on. */
    stopping: () => stopping,
  };
}

/**
 * @param {Promise<unknown>} promise
 * @param {number} ms
 * @returns {Promise<boolean>} whether `promise` settled within `ms`
 */
function settledWithin(promise, ms) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms), false);
  });
  return Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    timeout,
  ]).finally(() => clearTimeout(timer));
}
