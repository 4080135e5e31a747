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
 * @param {string} url
 * @param {{ method?: string, body?: unknown, timeoutMs?: number }} [options]
 * @returns {Promise<{ status: number, body: any }>}
 */
export function requestJson(url, options = {}) {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        headers: {
          accept: 'application/json',
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
        },
        timeout: options.timeoutMs ?? 5000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => {
          let body = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${options.timeoutMs ?? 5000} ms`)));
    req.on('error', (error) =>
      reject(
        new DownstreamError(`${options.method ?? 'GET'} ${url} failed: ${error.message}`, undefined, error),
      ),
    );
    req.end(payload);
  });
}
