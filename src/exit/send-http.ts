import type { ExitTarget } from './sender-protocol.js';

/** One OTLP/HTTP protobuf POST: 0 on a 2xx answer, else the HTTP status (1: no answer). For the exit sender thread. */
export async function sendHttpProtobuf(
  target: Extract<ExitTarget, { kind: 'http' }>,
  request: Uint8Array,
  timeoutMillis: number,
): Promise<number> {
  const url = new URL(target.url);
  const http = (await import(
    url.protocol === 'https:' ? 'node:https' : 'node:http'
  )) as typeof import('node:http');
  let body: Uint8Array = request;
  const headers: Record<string, string> = { ...target.headers, 'Content-Type': 'application/x-protobuf' };
  if (target.compression === 'gzip') {
    body = (await import('node:zlib')).gzipSync(request);
    headers['Content-Encoding'] = 'gzip';
  }
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', headers, timeout: timeoutMillis }, (res) => {
      res.resume();
      const status = res.statusCode ?? 1;
      res.on('end', () => resolve(status >= 200 && status < 300 ? 0 : status));
      res.on('error', () => resolve(1));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(1));
    req.end(body);
  });
}
