// The HTTP server's timeouts, read from the environment. The same file in every example service
// (each folder is copied alone as a template); test/e2e/example-lifecycle.test.ts keeps them equal.

/**
 * @typedef {object} ServerSettings
 * @property {number} keepAliveTimeoutMs how long an idle keep-alive connection is kept open
 * @property {number} headersTimeoutMs how long a request's headers may take to arrive
 * @property {number} shutdownTimeoutMs how long SIGTERM may take, from the signal to the exit
 * @property {number} shutdownDelayMs how long SIGTERM keeps serving, /ready answering 503, before closing
 */

/** @type {ServerSettings} */
export const DEFAULT_SERVER_SETTINGS = Object.freeze({
  // Node closes an idle connection after 5 s by default. An AWS ALB (60 s), NGINX upstream keepalive
  // (60 s) or GCP LB (600 s, configurable) keeps it longer, so it sometimes sends a request on a
  // connection Node is closing at that moment and answers its caller 502. The server must be the
  // side that waits longer.
  keepAliveTimeoutMs: 65_000,
  // Kept above keepAliveTimeout, the usual guidance: where the headers timer of a kept-alive
  // connection runs through its idle time (older Node versions), a lower value cuts the connection
  // before keepAliveTimeout and brings the 502s back.
  headersTimeoutMs: 66_000,
  // Kubernetes SIGKILLs a pod 30 s (terminationGracePeriodSeconds) after SIGTERM; what is not
  // flushed by then, the last spans above all, is lost. 25 s leaves a margin.
  shutdownTimeoutMs: 25_000,
  // Kubernetes sends SIGTERM and takes the pod out of the Service's endpoints at the same time;
  // kube-proxy and ingress controllers follow a few seconds later. A server that stopped accepting
  // at once refused the connections still sent its way meanwhile: errors on every rolling update.
  shutdownDelayMs: 5_000,
});

/**
 * Read the server settings from the environment. A bad value is not fatal: it adds one line to
 * `warnings` naming the variable, the value and what is used instead.
 * @param {Record<string, string | undefined>} env
 * @param {string[]} warnings
 * @returns {ServerSettings}
 */
export function readServerSettings(env, warnings) {
  const defaults = DEFAULT_SERVER_SETTINGS;
  /** @param {string} name @param {number} fallback @param {number} min @param {number} max */
  const read = (name, fallback, min, max) =>
    readNumber(env, name, fallback, { min, max, unit: 'milliseconds' }, warnings);
  const keepAliveTimeoutMs = read('KEEP_ALIVE_TIMEOUT_MS', defaults.keepAliveTimeoutMs, 1_000, 290_000);
  const headersFallback = Math.max(defaults.headersTimeoutMs, keepAliveTimeoutMs + 1_000);
  let headersTimeoutMs = read('HEADERS_TIMEOUT_MS', headersFallback, 1_000, 300_000);
  if (headersTimeoutMs <= keepAliveTimeoutMs) {
    warnings.push(
      `HEADERS_TIMEOUT_MS=${env.HEADERS_TIMEOUT_MS} is not above KEEP_ALIVE_TIMEOUT_MS (${keepAliveTimeoutMs}), using ${keepAliveTimeoutMs + 1_000}`,
    );
    headersTimeoutMs = keepAliveTimeoutMs + 1_000;
  }
  return Object.freeze({
    keepAliveTimeoutMs,
    headersTimeoutMs,
    shutdownTimeoutMs: read('SHUTDOWN_TIMEOUT_MS', defaults.shutdownTimeoutMs, 1_000, 3_600_000),
    shutdownDelayMs: read('SHUTDOWN_DELAY_MS', defaults.shutdownDelayMs, 0, 60_000),
  });
}

/**
 * One numeric variable: unset or blank gives `fallback`; a value that is not a number in
 * [`min`, `max`] (a whole one unless `integer: false`) gives `fallback` and one line in `warnings`.
 * A bad value must not be taken as NaN: `amount > NaN` is false, so FRAUD_THRESHOLD=10k refused
 * no charge at all.
 * @param {Record<string, string | undefined>} env
 * @param {string} name
 * @param {number} fallback
 * @param {{ min: number, max: number, integer?: boolean, unit?: string }} range
 * @param {string[]} warnings
 */
export function readNumber(env, name, fallback, { min, max, integer = true, unit }, warnings) {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  const shaped = integer ? /^\d+$/.test(raw) : /^\d+(\.\d+)?$/.test(raw);
  if (shaped && value >= min && value <= max) return value;
  const kind = `${integer ? 'a whole number' : 'a number'}${unit ? ` of ${unit}` : ''}`;
  warnings.push(`${name}=${env[name]} is not ${kind} in [${min}, ${max}], using ${fallback}`);
  return fallback;
}
