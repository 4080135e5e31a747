import http from 'node:http';

/** A downstream service answered with an unexpected status, or could not be reached. */
export class DownstreamError extends Error {
  name = 'DownstreamError';
  /**
   * @param {string} message
   * @param {number | undefined} status HTTP status, or undefined when the call itself failed
   * @param {unknown} [cause]
   */
  constructor(message, status, cause) {
    super(message, cause === undefined ? undefined : { cause });
    this.status = status;
  }
}

/**
 * A small JSON client on `node:http`. The http instrumentation wraps `http.request`, so every call
 * gets a CLIENT span and the trace headers (traceparent and X-B3-*) without any code here.
 *
 * Bounded both ways a neighbour can hold us: `timeoutMs` covers the whole call, body included (the
 * socket `timeout` option only fires after that long with no byte at all, so a body trickled a
 * byte at a time would never end), and a body over `maxBytes` is cut off instead of read into
 * memory. Every failure rejects with a DownstreamError.
 *
 * A GET written to a kept-alive connection that the neighbour closed meanwhile (its idle timeout,
 * its shutdown) fails with ECONNRESET before any answer; it is sent once more on a new connection,
 * within the same `timeoutMs`, as Node's documentation advises (`request.reusedSocket`). A POST is
 * not (the neighbour may have acted on it), unless it carries an `idempotency-key` header: the
 * neighbour then answers a repeat with the first outcome instead of acting twice.
 *
 * @param {string} url
 * @param {RequestOptions & { timeoutMs?: number }} [options]
 * @returns {Promise<{ status: number, body: any }>}
 */
export async function requestJson(url, options = {}) {
  const totalMs = options.timeoutMs ?? 5000;
  const deadlineAt = Date.now() + totalMs;
  const result = await attempt(url, options, deadlineAt, totalMs, true);
  return 'status' in result ? result : /** @type {any} */ (attempt(url, options, deadlineAt, totalMs, false));
}

/** @typedef {{ method?: string, body?: unknown, headers?: Record<string, string>, maxBytes?: number, agent?: http.Agent }} RequestOptions */

/**
 * @param {string} url
 * @param {RequestOptions} options
 * @param {number} deadlineAt
 * @param {number} totalMs the call's bound, for its message
 * @param {boolean} mayRetry
 * @returns {Promise<{ status: number, body: any } | { retry: true }>}
 */
function attempt(url, options, deadlineAt, totalMs, mayRetry) {
  const { method = 'GET', maxBytes = 1024 * 1024 } = options;
  const timeoutMs = Math.max(0, deadlineAt - Date.now());
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    let answered = false;
    /** @param {Error & { code?: string }} error */
    const fail = (error) => {
      clearTimeout(deadline);
      req.destroy();
      const stale = req.reusedSocket && !answered && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
      const repeatable =
        method === 'GET' || method === 'HEAD' || options.headers?.['idempotency-key'] !== undefined;
      if (stale && mayRetry && repeatable) return resolve({ retry: true });
      reject(
        new DownstreamError(`${method} ${withoutSecrets(url)} failed: ${error.message}`, undefined, error),
      );
    };
    const req = http.request(
      url,
      {
        method,
        ...(options.agent ? { agent: options.agent } : {}),
        headers: {
          ...options.headers,
          accept: 'application/json',
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        answered = true;
        /** @type {Buffer[]} */
        const chunks = [];
        let size = 0;
        res.on('data', (/** @type {Buffer} */ chunk) => {
          size += chunk.length;
          if (size > maxBytes) fail(new Error(`response body over ${maxBytes} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(deadline);
          const text = Buffer.concat(chunks).toString('utf8');
          let body = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', fail);
      },
    );
    // The call's bound, not this attempt's share of it: read a millisecond after the deadline was
    // set (or on a second attempt), the share said "timed out after 299 ms" of a 300 ms call.
    const deadline = setTimeout(() => fail(new Error(`timed out after ${totalMs} ms`)), timeoutMs);
    req.on('error', fail);
    req.end(payload);
  });
}

/**
 * The URL as error messages (and so log lines) may show it: without the user and password a
 * neighbour's URL may carry (`http://svc:secret@users.internal`, sent as Basic auth) and without
 * the query, where API keys go. The library scrubs spans, not your log lines.
 * @param {string} url
 */
function withoutSecrets(url) {
  try {
    const { origin, pathname } = new URL(url);
    return `${origin}${pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}
