// Serving HTTP in production: the load balancer's timeouts, a readiness endpoint, a crash log line
// and a graceful shutdown that always leaves time to flush the spans. The same file in every
// example service (each folder is copied alone); test/e2e/example-lifecycle.test.ts keeps them equal.
import http from 'node:http';

/** Requests still running at SIGTERM get this long to finish (at most), then are cut. */
const REQUEST_GRACE_MS = 15_000;
/** The span flush's share of the shutdown budget (at most; a third of a smaller budget). */
const FLUSH_RESERVE_MS = 5_000;

/**
 * @typedef {object} ServeOptions
 * @property {string} host
 * @property {number} port
 * @property {import('./server-settings.mjs').ServerSettings} settings
 * @property {{ info(message: string): unknown, warn(message: string): unknown, error(message: string): unknown }} logger
 * @property {{ shutdown(): Promise<void> }} tracing
 * @property {{ drain(): Promise<unknown>, running(): number }} [background] fire-and-forget work
 * @property {() => Promise<unknown>} [close] pools and clients to close once requests are done
 */

/**
 * Listen; answer `/ready` (200, then 503 from the shutdown signal on); on SIGTERM keep serving for
 * `shutdownDelayMs` (SIGINT, Ctrl-C, skips that), then stop accepting, let requests finish (cut
 * after 15 s), wait for background work, close, flush the spans and exit 0, all within
 * `shutdownTimeoutMs`. Each phase has a deadline, so one stuck task
 * cannot hold the process until it is SIGKILLed with the spans unsent: the flush always keeps its
 * share, and what was cut or abandoned is logged.
 * @param {import('node:http').RequestListener} app
 * @param {ServeOptions} options
 */
export function serve(app, { host, port, settings, logger, tracing, background, close }) {
  let stopping = false;
  /**
   * Connections that have had a request, each with how many of its requests are running. Only
   * these can be idle keep-alive ones: Node 26's closeIdleConnections() also closes a connection
   * that was just opened and whose request has not come yet, so a load balancer's new connection
   * was reset during SHUTDOWN_DELAY_MS.
   * @type {Map<import('node:net').Socket, number>}
   */
  const connections = new Map();
  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  function track(req, res) {
    const socket = req.socket;
    const running = connections.get(socket);
    if (running === undefined) socket.once('close', () => connections.delete(socket));
    connections.set(socket, (running ?? 0) + 1);
    res.once('close', () => {
      const left = (connections.get(socket) ?? 1) - 1;
      if (connections.has(socket)) connections.set(socket, left);
      // An answer begun before the signal kept its connection alive: close it now it is idle.
      if (stopping && left === 0) socket.end();
    });
  }
  const server = http.createServer((req, res) => {
    track(req, res);
    // While stopping, each answer closes its connection: the client's next request opens a new
    // one, which the load balancer sends to an instance that is staying.
    if (stopping) res.setHeader('connection', 'close');
    // Readiness, not liveness: /health stays 200 while stopping (a failing liveness probe restarts).
    if (req.url === '/ready' || req.url?.startsWith('/ready?')) {
      res.writeHead(stopping ? 503 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: stopping ? 'stopping' : 'ready' }));
      return;
    }
    app(req, res);
  });
  server.keepAliveTimeout = settings.keepAliveTimeoutMs;
  server.headersTimeout = settings.headersTimeoutMs;
  server.requestTimeout = Math.max(server.requestTimeout, settings.headersTimeoutMs);
  server.listen(port, host, () => {
    const address = /** @type {import('node:net').AddressInfo} */ (server.address());
    logger.info(`listening on http://${host}:${address.port}`);
  });

  /** @param {string} signal */
  async function shutdown(signal) {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    const budget = settings.shutdownTimeoutMs;
    const flushMs = Math.min(FLUSH_RESERVE_MS, Math.floor(budget / 3));
    const workDeadline = started + budget - flushMs;
    const delayMs = signal === 'SIGTERM' ? Math.min(settings.shutdownDelayMs, budget - flushMs) : 0;
    logger.info(
      `${signal} received, shutting down within ${budget} ms${delayMs ? `; /ready answers 503, new connections are served ${delayMs} ms more` : ''}`,
    );

    // Idle keep-alive connections are closed at once, and others as they go idle (one whose
    // request ends later would hold the server open for keepAliveTimeout); clients reconnect.
    for (const [socket, running] of connections) if (running === 0) socket.end();
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const closed = new Promise((resolve) => server.close(resolve));
    const force = setTimeout(
      () => {
        logger.warn(
          `requests still running ${Date.now() - started} ms after ${signal}: their connections are closed`,
        );
        server.closeAllConnections();
      },
      Math.max(0, Math.min(REQUEST_GRACE_MS, workDeadline - Date.now())),
    );
    await closed;
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
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  return {
    server,
    /** True from the shutdown signal on. */
    stopping: () => stopping,
  };
}

/**
 * Log a crash (an uncaught exception, an unhandled rejection) as one error line with its stack.
 * Node prints it as plain text on stderr and exits 1, so a log pipeline reading JSON lines had no
 * error-level line for it. Call it as soon as the logger exists: a failure while starting (the
 * database down) is a crash too. The monitor only observes: Node still prints and exits 1, and the
 * library still flushes the spans.
 * @param {{ error(message: string): unknown }} logger
 */
export function logCrashes(logger) {
  process.on('uncaughtExceptionMonitor', (error, origin) => {
    logger.error(`process crashed (${origin}): ${error instanceof Error ? error.stack : String(error)}`);
  });
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
  const settled = promise.then(
    () => true,
    () => true,
  );
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
}
