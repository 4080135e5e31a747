import { grpcCodeName } from './otlp/grpc-status.js';

// How the 0.223 exporters report failures (read from node_modules, @opentelemetry/*-exporter-base 0.223.1):
// - OTLP/gRPC: `GrpcExporterTransport.send()` resolves `{ status: 'failure', error }` for EVERY gRPC
//   error (grpc-exporter-transport.js), and `createOtlpGrpcExportDelegate()` does not wrap the
//   transport in `createRetryingTransport()` (otlp-grpc-export-delegate.js). So UNAVAILABLE and
//   DEADLINE_EXCEEDED are never retried: the batch is lost. The error handed to the result callback is
//   grpc-js's ServiceError: numeric `code` (14 = UNAVAILABLE), `details`, message "14 UNAVAILABLE: ...".
//   Our own node:http2 transport (otlp/grpc-transport.ts), used unless a proxy variable applies, runs
//   in the same delegate and reports its failures in that same shape (GrpcStatusError).
// - OTLP/HTTP: wrapped in `RetryingTransport` (5 attempts, 1 s initial backoff) for 429/502/503/504
//   and ECONNRESET/ECONNREFUSED/...; after those it reports `OTLPExporterError('Export failed with
//   retryable status')` or the network error (string `code`). Non-retryable HTTP statuses come back as
//   `OTLPExporterError` with the numeric status in `code`.

/** gRPC status codes worth retrying (https://opentelemetry.io/docs/specs/otlp/#failures). */
const RETRYABLE_GRPC = new Set([
  4 /* DEADLINE_EXCEEDED */, 8 /* RESOURCE_EXHAUSTED */, 10 /* ABORTED */, 14 /* UNAVAILABLE */,
]);
const RETRYABLE_HTTP = new Set([429, 502, 503, 504]);
const RETRYABLE_NET = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const RETRYABLE_MESSAGE =
  /retryable status|request timed out|concurrent export limit|ECONNREFUSED|ECONNRESET/i;

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/** True when an export error is transient: gRPC 4/8/10/14, HTTP 429/502/503/504, connection errors. */
export function isRetryableExportError(error: unknown): boolean {
  for (let e = error, depth = 0; e != null && depth < 4; depth++) {
    const code = codeOf(e);
    if (typeof code === 'number' && (RETRYABLE_GRPC.has(code) || RETRYABLE_HTTP.has(code))) return true;
    if (typeof code === 'string' && RETRYABLE_NET.has(code)) return true;
    if (e instanceof Error && RETRYABLE_MESSAGE.test(e.message)) return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}

/** What kind of trouble an export error points to, for the drop/failure warnings. */
export function classifyExportError(error: unknown): 'unreachable' | 'timeout' | 'rejected' | 'unknown' {
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (
    code === 14 ||
    /ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|No connection/i.test(message)
  ) {
    return 'unreachable';
  }
  if (code === 4 || /timed out|timeout|deadline/i.test(message)) return 'timeout';
  if (error === undefined) return 'unknown';
  return 'rejected';
}

/** A one-line reason for an export error: `UNAVAILABLE (14): No connection established`. */
export function describeExportError(error: unknown): string {
  if (error == null) return 'unknown error';
  const code = codeOf(error);
  let message = error instanceof Error ? error.message : String(error);
  const details = (error as { details?: unknown }).details;
  if (typeof code === 'number' && grpcCodeName(code) && typeof details === 'string' && details)
    message = details;
  message = (message.split('\n')[0] ?? message).replace(/\.?\s*Resolution note:\s*$/, '');
  if (message.length > 200) message = `${message.slice(0, 200)}…`;
  if (typeof code === 'number' && code >= 100) return `HTTP ${code}: ${message}`;
  if (typeof code === 'number') return `${grpcCodeName(code) ?? 'gRPC status'} (${code}): ${message}`;
  if (typeof code === 'string' && !message.includes(code)) return `${code}: ${message}`;
  return message;
}
