import { grpcCodeName, UNSPOKEN_CLOSE } from './otlp/grpc-status.js';
import { askedRetryDelay, formatRetryDelay } from './otlp/retry-delay.js';

// How the 0.223 exporters report failures (read from node_modules, @opentelemetry/*-exporter-base 0.223.1):
// - OTLP/gRPC: `GrpcExporterTransport.send()` resolves `{ status: 'failure', error }` for EVERY gRPC
//   error (grpc-exporter-transport.js), and `createOtlpGrpcExportDelegate()` does not wrap the
//   transport in `createRetryingTransport()` (otlp-grpc-export-delegate.js). So UNAVAILABLE and
//   DEADLINE_EXCEEDED are never retried: the batch is lost. The error handed to the result callback is
//   grpc-js's ServiceError: numeric `code` (14 = UNAVAILABLE), `details`, message "14 UNAVAILABLE: ...".
//   Our own node:http2 transport (otlp/grpc-transport.ts), used unless a proxy variable applies, runs
//   in the same delegate and reports its failures in that same shape (GrpcStatusError).
// - OTLP/HTTP: upstream's delegate wraps its transport in `RetryingTransport` (5 attempts, 1 s initial
//   backoff) for 429/502/503/504 and ECONNRESET/ECONNREFUSED/...; after those it reports
//   `OTLPExporterError('Export failed with retryable status')` or the network error. We no longer
//   use it (otlp/http-transport.ts): each request ends with the network error (string `code`) or
//   an `HttpStatusError` (otlp/http-answer.ts) with the status in `code`, as upstream's `OTLPExporterError` has it.

/**
 * gRPC status codes worth retrying (https://opentelemetry.io/docs/specs/otlp/#failures).
 * RESOURCE_EXHAUSTED (8) is not among them: it is retried only when the server sent a RetryInfo
 * (throttling); without one it is "out of resources", not retryable (same section).
 */
const RETRYABLE_GRPC = new Set([
  1 /* CANCELLED: e.g. the call was in flight when its connection closed */, 4 /* DEADLINE_EXCEEDED */,
  10 /* ABORTED */, 14 /* UNAVAILABLE */,
]);
const RESOURCE_EXHAUSTED = 8;
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

/**
 * An exporter's error as the export path can read it: the error itself when everything the path
 * reads of it (`message`, `code`, `details`, its text, its causes as far as they are followed)
 * reads without throwing; otherwise an Error saying so. A custom exporter can fail with anything
 * (a revoked Proxy, an object without a prototype, throwing getters), and reading such a value
 * later, in a timer, threw out of the export path: the batch was never counted, the loss never
 * reported.
 */
export function readableExportError(error: unknown): unknown {
  try {
    for (let e = error, depth = 0; e != null && depth < 4; depth++) {
      if (typeof e !== 'object' && typeof e !== 'function') {
        String(e);
        break;
      }
      const fields = e as { code?: unknown; details?: unknown; message?: unknown; cause?: unknown };
      void fields.code;
      void fields.details;
      const isError = e instanceof Error;
      String(isError ? fields.message : e);
      e = isError ? fields.cause : undefined;
    }
    return error;
  } catch {
    return new Error('the exporter failed with an error that could not be read');
  }
}

/**
 * A TLS certificate the client does not accept (Node's codes). gRPC reports it as UNAVAILABLE,
 * retryable; but every handshake with that certificate fails alike.
 */
const CERTIFICATE_REFUSED =
  /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT(_LOCALLY)?)|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/** The certificate's code, if the TLS handshake refused it (anywhere in the error's causes). */
function certificateRefused(error: unknown): string | undefined {
  for (let e = error, depth = 0; e != null && depth < 4; depth++) {
    const code = codeOf(e);
    if (typeof code === 'string' && CERTIFICATE_REFUSED.test(code)) return code;
    e = e instanceof Error ? e.cause : undefined;
  }
  return undefined;
}

/**
 * Node's permission model refused the connection (`--permission` without `--allow-net`, Node 25
 * on): gRPC reports it as UNAVAILABLE, retryable, but every attempt is refused alike, and the
 * retries held a natural exit for the whole shutdown timeout (5 s where untraced took 0.5 s).
 */
function accessDenied(error: unknown): boolean {
  for (let e = error, depth = 0; e != null && depth < 4; depth++) {
    if (codeOf(e) === 'ERR_ACCESS_DENIED') return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}

/**
 * True when an export error is transient: gRPC 1/4/10/14, RESOURCE_EXHAUSTED (8) with a RetryInfo,
 * HTTP 429/502/503/504, connection errors; not a certificate refused in the TLS handshake, nor a
 * connection Node's permission model refused.
 */
export function isRetryableExportError(error: unknown): boolean {
  if (certificateRefused(error) !== undefined || accessDenied(error)) return false;
  for (let e = error, depth = 0; e != null && depth < 4; depth++) {
    const code = codeOf(e);
    if (typeof code === 'number' && (RETRYABLE_GRPC.has(code) || RETRYABLE_HTTP.has(code))) return true;
    if (code === RESOURCE_EXHAUSTED && askedRetryDelay(e) !== undefined) return true;
    if (typeof code === 'string' && RETRYABLE_NET.has(code)) return true;
    if (e instanceof Error && RETRYABLE_MESSAGE.test(e.message)) return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}

/**
 * What kind of trouble an export error points to, for the drop/failure warnings: the collector
 * cannot be reached, does not answer in time, says the request is too large (gRPC
 * RESOURCE_EXHAUSTED, HTTP 413, or our own "too large" failures), or answers with another error.
 */
export function classifyExportError(
  error: unknown,
): 'unreachable' | 'timeout' | 'too-large' | 'rejected' | 'unknown' {
  if (error === undefined) return 'unknown';
  if (error instanceof RetryBeyondDeadlineError) return classifyExportError(error.cause);
  const code = codeOf(error);
  const message = messageOf(error);
  // An UNAVAILABLE the collector answered: reached, and refusing for now, as an HTTP 503 is.
  // Likewise an answer that did not arrive whole: reached (GrpcStatusError.answerBroken).
  if (answeredUnavailable(error) || answerBroken(error)) return 'rejected';
  if (
    code === 14 ||
    (typeof code === 'string' && RETRYABLE_NET.has(code)) ||
    /ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|No connection/i.test(message)
  ) {
    return 'unreachable';
  }
  if (code === 4 || /timed out|timeout|deadline/i.test(message)) return 'timeout';
  // The headers, not the spans: a smaller request is refused alike.
  if (headersTooLarge(code, message)) return 'rejected';
  // RESOURCE_EXHAUSTED without a size in its message is a collector out of memory (its
  // memory_limiter) or a quota: "export request too large" sent readers to shrink their batches.
  if (code === 413 || SIZE_MESSAGE.test(message)) return 'too-large';
  return 'rejected';
}

/** gRPC UNAVAILABLE (14) in the collector's own answer (GrpcStatusError.answered), not for a call that got none. */
function answeredUnavailable(error: unknown): boolean {
  return codeOf(error) === 14 && (error as { answered?: unknown }).answered === true;
}

/** The collector's answer did not arrive whole on a connection that spoke HTTP/2 (GrpcStatusError.answerBroken). */
export function answerBroken(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { answerBroken?: unknown }).answerBroken === true
  );
}

/** HTTP 431 Request Header Fields Too Large, as OTLP/HTTP gets it or grpc-js reports a proxy's. */
function headersTooLarge(code: unknown, message: string): boolean {
  return code === 431 || /HTTP status code 431\b/.test(message);
}

/**
 * The system error code behind an export error (`ECONNREFUSED`), from it or its causes; a refused
 * certificate's, or the permission model's refusal, before the stream's (gRPC's
 * ERR_HTTP2_STREAM_CANCEL wraps them).
 */
export function networkErrorCode(error: unknown): string | undefined {
  const certificate = certificateRefused(error);
  if (certificate !== undefined) return certificate;
  if (accessDenied(error)) return 'ERR_ACCESS_DENIED';
  for (let e = error, depth = 0; e != null && depth < 4; depth++) {
    const code = codeOf(e);
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{2,40}$/.test(code)) return code;
    const found = /\b(E[A-Z]{4,20}|UND_ERR_[A-Z_]{3,30})\b/.exec(messageOf(e).slice(0, 1000));
    if (found) return found[1];
    e = e instanceof Error ? e.cause : undefined;
  }
  return undefined;
}

/**
 * What an export error says about the endpoint's configuration, when it says something: the
 * commonest OTLP mistakes are a port of the other protocol (OTLP/gRPC usually listens on 4317,
 * OTLP/HTTP on 4318), `https://` to a plaintext collector, and a certificate the process does not
 * trust. Their errors (`Protocol error`, `Parse Error: Expected HTTP/`, `wrong version number`)
 * name none of that.
 */
export function endpointHint(error: unknown): string | undefined {
  for (let e = error, depth = 0; e != null && depth < 4; depth++) {
    const code = codeOf(e);
    const message = messageOf(e).slice(0, 2000);
    if (code === 'ERR_ACCESS_DENIED')
      return "Node's permission model does not let this process connect to it: run node with --allow-net";
    if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(message))
      return 'it does not speak TLS there: for a plaintext collector use http://';
    if (code === 'HPE_INVALID_CONSTANT' || /Parse Error: Expected HTTP\//.test(message))
      return 'it does not answer HTTP/1.1 (OTLP/HTTP) there: an OTLP/gRPC port (4317 by default; OTLP/HTTP is 4318), or one that needs https://?';
    // An http:// request whose connection closed before a byte came back (otlp/unanswered-close.ts):
    // a TLS port does that, and so does a collector that crashed, hence "if".
    if ((e as { closedUnanswered?: unknown }).closedUnanswered === true)
      return "if the collector's port speaks TLS, the endpoint should be https://";
    if (
      (code === 'ERR_HTTP2_ERROR' && /^Protocol error$/i.test(message.trim())) ||
      (code === 14 && message.endsWith(UNSPOKEN_CLOSE))
    )
      return 'it does not answer HTTP/2 (OTLP/gRPC) there: an OTLP/HTTP port (4318 by default; OTLP/gRPC is 4317), or one that needs https://?';
    if (
      typeof code === 'string' &&
      /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT(_LOCALLY)?))$/.test(
        code,
      )
    )
      return "the collector's TLS certificate was not accepted: trust its CA with OTEL_EXPORTER_OTLP_CERTIFICATE";
    if (typeof code === 'number' && code >= 300 && code < 400) {
      // Node's http follows no redirect, nor does any OTLP exporter: every export ends here.
      const location = (e as { location?: unknown }).location;
      return typeof location === 'string'
        ? // The URL last: the line's scrubber reads a URL up to the next space.
          `the endpoint redirects, and redirects are not followed: set the traces endpoint (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, used as given) to where it points, ${location}`
        : 'the endpoint answers with a redirect (without a Location): set the endpoint to where it points; redirects are not followed';
    }
    // HTTP 401/403, gRPC UNAUTHENTICATED (16)/PERMISSION_DENIED (7): the status alone named no setting.
    if (code === 401 || code === 403 || code === 16 || code === 7)
      return 'the collector (or a proxy before it) refused the credentials: check the authorization header in OTEL_EXPORTER_OTLP_HEADERS or OTEL_EXPORTER_OTLP_TRACES_HEADERS (the `headers` option in code)';
    if (headersTooLarge(code, message))
      return "the collector (or a proxy before it) refused the request's headers as too large: shorten OTEL_EXPORTER_OTLP_HEADERS or OTEL_EXPORTER_OTLP_TRACES_HEADERS (the `headers` option in code)";
    // Go's HTTPS servers (the Collector's OTLP/HTTP receiver with TLS on) answer a plaintext
    // request with this 400 rather than hanging up; the status alone named no setting.
    if (code === 400 && /HTTP request to an HTTPS server/i.test(message))
      return "the collector's port speaks TLS: use https:// in the endpoint";
    if (code === 405)
      return 'that URL does not take a POST: a web server, not an OTLP/HTTP collector (which takes spans at :4318/v1/traces)?';
    if (code === 404)
      return 'nothing takes OTLP at that path: a Collector takes spans at /v1/traces, which is appended to OTEL_EXPORTER_OTLP_ENDPOINT but not to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as given)';
    // Trusting another CA would not help these two.
    if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
      return "the collector's TLS certificate is outside its validity dates: renew it, or check this host's clock";
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
      return "the collector's TLS certificate is not for the endpoint's host name: use a name the certificate lists";
    e = e instanceof Error ? e.cause : undefined;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const details = (error as { details?: unknown }).details;
    return typeof details === 'string' ? `${error.message} ${details}` : error.message;
  }
  return String(error);
}

/** Up to the first line break, without splitting the rest (a collector's message can be long). */
function firstLine(message: string): string {
  const end = message.indexOf('\n');
  return end === -1 ? message : message.slice(0, end);
}

/**
 * grpc-js ends some messages with "Resolution note:" and nothing after it; drop that, with the
 * whitespace and the full stop before it. Done on the end of the line only: the regex
 * `/\.?\s*Resolution note:\s*$/` retried its `\s*` from every position of a run of spaces, so
 * a collector's message of 64 KiB of spaces took seconds.
 */
function withoutResolutionNote(line: string): string {
  const trimmed = line.trimEnd();
  const note = 'Resolution note:';
  if (!trimmed.endsWith(note)) return line;
  let end = trimmed.length - note.length;
  while (end > 0 && /\s/.test(trimmed[end - 1] as string)) end--;
  if (end > 0 && trimmed[end - 1] === '.') end--;
  return trimmed.slice(0, end);
}

/** What the statuses the export retries say of the collector (or the proxy before it). */
const HTTP_STATUS_NOTE: Readonly<Record<number, string>> = {
  429: ' (the collector is throttling: overloaded)',
  502: ' (a proxy could not reach the collector: down or restarting)',
  503: ' (the collector is overloaded or restarting)',
  504: ' (a proxy had no answer from the collector in time)',
};

/**
 * A collector's "too large" message (too-large-answer.ts reads the whole answer). grpc-js (a Node
 * receiver) says of a gzip body over its limit once inflated "Received message that decompresses
 * to a size larger than 65536": it was read as the collector out of resources, and the whole
 * request was lost instead of split.
 */
export const SIZE_MESSAGE =
  /larger than max|too large|exceeds (?:the )?max|decompresses to a size larger than/i;

/**
 * What RESOURCE_EXHAUSTED says of the collector when it does not say the request was too large:
 * with a RetryInfo, the collector is throttling and says when to come back (retried then); without,
 * it is out of resources, which the OTLP spec says not to retry ("Failures").
 */
function resourcesNote(error: unknown, beyond: string | undefined): string {
  const asked = askedRetryDelay(error);
  if (asked === undefined)
    return ' (the collector is out of resources; without a RetryInfo in its answer the OTLP spec says not to retry)';
  return ` (throttled by the collector: its RetryInfo asked to retry after ${formatRetryDelay(asked)}${beyond ?? ''})`;
}

/** A one-line reason for an export error: `UNAVAILABLE (14): No connection established`. */
export function describeExportError(error: unknown): string {
  if (!(error instanceof RetryBeyondDeadlineError)) return describeError(error, undefined);
  // RESOURCE_EXHAUSTED's note names the wait already: the rest goes after it.
  const beyond = `, ${error.beyond}`;
  const text = describeError(error.cause, beyond);
  return text.includes(beyond) ? text : `${text}; ${error.message}`;
}

function describeError(error: unknown, beyond: string | undefined): string {
  if (error == null) return 'unknown error';
  const code = codeOf(error);
  let message = error instanceof Error ? error.message : String(error);
  const details = (error as { details?: unknown }).details;
  if (typeof code === 'number' && grpcCodeName(code) && typeof details === 'string' && details)
    message = details;
  message = withoutResolutionNote(firstLine(message));
  // Upstream's OTLP/HTTP delegate drops the status it retried on; this is all it says of a 429 or 503.
  if (message === 'Export failed with retryable status')
    message =
      'the collector kept answering with a retryable HTTP status (429, 502, 503 or 504: overloaded or restarting) until the export gave up';
  // Room for a collector's message (otlp/error-answer.ts, 280 characters) after the status text.
  if (message.length > 320) message = `${message.slice(0, 320)}…`;
  if (typeof code === 'number' && code >= 100)
    return `HTTP ${code}: ${message}${HTTP_STATUS_NOTE[code] ?? ''}`;
  if (typeof code === 'number')
    return `${grpcCodeName(code) ?? 'gRPC status'} (${code}): ${message}${code === RESOURCE_EXHAUSTED && !SIZE_MESSAGE.test(message) ? resourcesNote(error, beyond) : answeredUnavailable(error) ? HTTP_STATUS_NOTE[503] : ''}`;
  if (typeof code === 'string' && !message.includes(code)) return `${code}: ${message}`;
  return message;
}

/**
 * Carried on a SUCCESS export result when the collector answered with `partial_success`: the
 * request was accepted, but `rejectedSpans` of its spans were not (OTLP spec, "Partial Success").
 * The batch processor counts those as `rejected`, not `exported`, and the drop reporter names the
 * collector's `error_message`.
 */
export class PartialSuccessError extends Error {
  override name = 'PartialSuccessError';
  constructor(
    readonly rejectedSpans: number,
    readonly errorMessage: string,
  ) {
    super(
      rejectedSpans > 0
        ? `the collector rejected ${rejectedSpans} span${rejectedSpans === 1 ? '' : 's'}: ${errorMessage || 'no message'}`
        : `the collector accepted the spans with a warning: ${errorMessage}`,
    );
  }
}

/** Spans of a successful export the collector rejected (0 when it accepted them all). */
export function rejectedSpans(result: { error?: unknown }): number {
  return result.error instanceof PartialSuccessError ? result.error.rejectedSpans : 0;
}

/**
 * A retryable failure whose answer asked for a longer wait (`Retry-After`, gRPC RetryInfo) than
 * the export had left: not retried, the spans are lost, and the loss line says that wait was why,
 * after what the answer said (`cause`).
 */
export class RetryBeyondDeadlineError extends Error {
  override name = 'RetryBeyondDeadlineError';
  /** `beyond the export timeout (1.2 s left of 30 s)` */
  readonly beyond: string;
  constructor(
    readonly retryAfterMillis: number,
    leftMillis: number,
    readonly timeoutMillis: number,
    override readonly cause: unknown,
    /** Which time box it did not fit: the exit sender's is the shutdown timeout. */
    timeoutName = 'the export timeout',
  ) {
    const beyond = `beyond ${timeoutName} (${formatRetryDelay(Math.max(0, leftMillis))} left of ${formatRetryDelay(timeoutMillis)})`;
    super(`the collector asked to retry after ${formatRetryDelay(retryAfterMillis)}, ${beyond}`, { cause });
    this.beyond = beyond;
  }
}

/**
 * Spans still queued or in flight when shutdown's time box ended. Not a cause in itself: the drop
 * reporter's summary names the error that kept them from going out before it.
 */
export class ShutdownLossError extends Error {
  override name = 'ShutdownLossError';
}

/**
 * A span our encoder refused (an id of a length the collector cannot decode, a trace state that
 * throws): lost here, before any call, so its cause is the span and never the collector.
 */
export class UnencodableSpanError extends Error {
  override name = 'UnencodableSpanError';
  constructor(spanName: string, error: unknown) {
    super(`span "${spanName}" could not be encoded: ${describeExportError(error)}`);
  }
}
