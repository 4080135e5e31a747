import type { ExitTarget } from './sender-protocol.js';

/** One OTLP/HTTP protobuf POST; true on a 2xx answer. For the exit sender thread only. */
export async function sendHttpProtobuf(
  target: Extract<ExitTarget, { kind: 'http' }>,
  request: Uint8Array,
  timeoutMillis: number,
): Promise<boolean> {
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
      res.on('end', () => resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end(body);
  });
}
