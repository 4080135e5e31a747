import type { IncomingMessage } from 'node:http';
import { log, scrubForLog } from '../../diag/log.js';
import { lazyRequire } from '../../util/index.js';
import { printable } from '../../util/printable.js';
import { answerExcerpt } from './error-answer.js';
import { type ExportResponse, MAX_RESPONSE_BYTES } from './grpc-transport.js';
import { boundedRetryDelay } from './retry-delay.js';

/**
 * An HTTP status other than 2xx: `code` is the status, as upstream's `OTLPExporterError` has it,
 * so the export path classifies it the same way (429/502/503/504 retried, 413 too large, …).
 */
export class HttpStatusError extends Error {
  override name = 'OTLPExporterError';
  constructor(
    readonly code: number,
    message: string,
    /** The answer's `Retry-After`, in ms from now (429 and 503 may carry one): the retry waits that long at least. */
    readonly retryAfterMillis?: number,
    /**
     * A redirect's `Location` (3xx), absolute and scrubbed. Node's http does not follow redirects,
     * nor do OTLP exporters: the endpoint is to be set to it (export-errors.ts, endpointHint).
     */
    readonly location?: string,
  ) {
    super(message);
  }
}

/**
 * `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms, bounded as gRPC's
 * RetryInfo is (retry-delay.ts); undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return boundedRetryDelay(Number(text) * 1000);
  // Every HTTP-date form names its month in letters; V8's lenient Date.parse reads "-5" or "1.5"
  // as dates in 2001 (a wait of 0: an answer the collector did not give).
  if (text.length > 64 || !/[a-z]{3}/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : boundedRetryDelay(Math.max(0, at - now));
}

/** The answer: success with its body on 2xx, else the status as an {@link HttpStatusError}; bounded. */
export function readAnswer(res: IncomingMessage, url: URL, finish: (response: ExportResponse) => void): void {
  const status = res.statusCode ?? 0;
  const ok = status >= 200 && status < 300;
  const chunks: Buffer[] = [];
  let bytes = 0;
  res.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes <= MAX_RESPONSE_BYTES) {
      chunks.push(chunk);
      return;
    }
    res.destroy();
    // An error answer is its status, whatever follows (a 503's long page is still retried).
    if (!ok) {
      finish({ status: 'failure', error: statusError(res, url, Buffer.concat(chunks)) });
      return;
    }
    finish(tooLarge(status));
  });
  res.on('end', () => {
    let data: Buffer;
    try {
      data = decoded(res, Buffer.concat(chunks));
    } catch (error) {
      if (!ok) finish({ status: 'failure', error: statusError(res, url, Buffer.alloc(0)) });
      // As an unreadable answer to an OK call (span-exporter.ts): still a success, but a bomb.
      else if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') finish(tooLarge(status));
      else finish({ status: 'success' });
      return;
    }
    if (ok) {
      if (isHtml(res)) warnHtmlAnswer(res, url, data);
      finish({ status: 'success', data });
    } else finish({ status: 'failure', error: statusError(res, url, data) });
  });
  res.on('error', () => {
    // The spans were sent and a 2xx came: the body is only a possible partial_success.
    if (ok) finish({ status: 'success' });
    // The status came too: a 503 cut short is the collector's 503 (retried, its Retry-After
    // kept), not "ECONNRESET: aborted", which named the collector unreachable.
    else finish({ status: 'failure', error: statusError(res, url, Buffer.concat(chunks)) });
  });
}

function isHtml(res: IncomingMessage): boolean {
  return /\bhtml\b/i.test(res.headers['content-type'] ?? '');
}

/**
 * A 2xx with a web page is no OTLP answer (an ExportTraceServiceResponse, protobuf): the endpoint
 * is a web server's (a catch-all route, a load balancer's default page), which took the spans
 * and dropped them. Counted as exported all the same (the status says so), but said once.
 */
function warnHtmlAnswer(res: IncomingMessage, url: URL, body: Buffer): void {
  const page = answerExcerpt(body, 'text/html', '');
  log.warnOnce(
    'otlp-http-html-answer',
    `the OTLP/HTTP endpoint ${url.href} answered HTTP ${res.statusCode} with a web page` +
      `${page === undefined ? '' : ` (${page.slice(0, 80)}${page.length > 80 ? '…' : ''})`}, not an OTLP answer:` +
      ' the spans sent there are counted as exported but are probably lost. Is it a collector (OTLP/HTTP listens on 4318, at /v1/traces)?',
  );
}

/** Not retried: the collector may well have taken the spans. */
function tooLarge(status: number): ExportResponse {
  return {
    status: 'failure',
    error: new Error(
      `the collector's answer (HTTP ${status}) exceeded ${MAX_RESPONSE_BYTES} bytes; it was not read (an OTLP export answer is a few bytes)`,
    ),
  };
}

/**
 * The answer's body without its `Content-Encoding` (no `Accept-Encoding` is sent, which allows
 * any: a proxy may gzip the collector's answer, and its partial_success was then unreadable).
 * Inflated no further than the raw body is read; throws past that, or for an unknown coding.
 */
function decoded(res: IncomingMessage, body: Buffer): Buffer {
  const coding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (coding === '' || coding === 'identity' || body.length === 0) return body;
  const zlib = lazyRequire('node:zlib') as typeof import('node:zlib');
  const bound = { maxOutputLength: MAX_RESPONSE_BYTES };
  if (coding === 'gzip' || coding === 'x-gzip') return zlib.gunzipSync(body, bound);
  if (coding === 'deflate') return zlib.inflateSync(body, bound);
  if (coding === 'br') return zlib.brotliDecompressSync(body, bound);
  throw new Error(`unknown Content-Encoding ${coding}`);
}

/** The status, with what the answer says (its excerpt: error-answer.ts) and, for a redirect, where to. */
function statusError(res: IncomingMessage, url: URL, body: Buffer): HttpStatusError {
  const status = res.statusCode ?? 0;
  const { STATUS_CODES } = lazyRequire('node:http') as typeof import('node:http');
  const text = res.statusMessage || STATUS_CODES[status] || 'unknown status';
  const excerpt = answerExcerpt(body, res.headers['content-type'], text);
  return new HttpStatusError(
    status,
    excerpt === undefined ? text : `${text}: ${excerpt}`,
    parseRetryAfter(res.headers['retry-after']),
    status >= 300 && status < 400 ? redirectTarget(res.headers.location, url) : undefined,
  );
}

/** A redirect's `Location`, resolved against the endpoint, scrubbed and bounded as a log line shows it. */
function redirectTarget(location: string | undefined, url: URL): string | undefined {
  if (location === undefined || location === '') return undefined;
  let target: string;
  try {
    target = new URL(location, url).href;
  } catch {
    target = location;
  }
  const shown = printable(scrubForLog(target.slice(0, 2048)));
  return shown.length <= 300 ? shown : `${shown.slice(0, 300)}…`;
}
