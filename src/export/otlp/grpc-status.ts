// gRPC status codes and how a unary call's outcome maps to one, for the node:http2 transport
// (grpc-transport.ts). The error it builds has grpc-js's ServiceError shape (numeric `code`,
// `details`, message "14 UNAVAILABLE: ..."), which is what export-errors.ts classifies and
// retries and what the drop reporter prints.

export const GRPC_STATUS = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  DEADLINE_EXCEEDED: 4,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

/** The status code's name (`UNAVAILABLE` for 14), or undefined for a number gRPC does not define. */
export function grpcCodeName(code: number): string | undefined {
  return NAMES[code];
}

/** A failed gRPC call: `code` is the gRPC status, `details` the server's (or our) message. */
export class GrpcStatusError extends Error {
  override name = 'GrpcStatusError';
  readonly code: number;
  readonly details: string;
  /**
   * The server's RetryInfo `retry_delay`, in ms (retry-info.ts), as HttpStatusError has its
   * `Retry-After`: the retry waits that long, and RESOURCE_EXHAUSTED is retried only with one.
   */
  readonly retryAfterMillis?: number;
  /**
   * The status is the server's answer (its trailers), not ours for a call that got none: an
   * UNAVAILABLE it answers is a collector shedding load (its memory_limiter) or restarting, not
   * one that cannot be reached.
   */
  readonly answered?: true;
  /**
   * The collector answered on a connection that spoke HTTP/2, and its answer did not arrive whole
   * (a header block too large to send or to read): reached, so not "unreachable".
   */
  readonly answerBroken?: true;

  constructor(
    code: number,
    details: string,
    options?: { cause?: unknown; retryAfterMillis?: number; answered?: true; answerBroken?: true },
  ) {
    super(
      `${code} ${NAMES[code] ?? 'UNKNOWN'}: ${details}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.details = details;
    if (options?.retryAfterMillis !== undefined) this.retryAfterMillis = options.retryAfterMillis;
    if (options?.answered) this.answered = true;
    if (options?.answerBroken) this.answerBroken = true;
  }
}

/** `OK` for no error, the status name for a gRPC error, `UNKNOWN` for anything else. */
export function grpcStatusName(error: unknown): string {
  if (error === undefined) return 'OK';
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return (typeof code === 'number' && grpcCodeName(code)) || 'UNKNOWN';
}

/**
 * The status for a response without `grpc-status`, from its HTTP status: the table in gRPC's
 * doc/http-grpc-status-mapping.md (a proxy or load balancer answered, not a gRPC server).
 */
export function statusFromHttp(httpStatus: number): number {
  switch (httpStatus) {
    case 400:
      return GRPC_STATUS.INTERNAL;
    case 401:
      return GRPC_STATUS.UNAUTHENTICATED;
    case 403:
      return GRPC_STATUS.PERMISSION_DENIED;
    case 404:
      return GRPC_STATUS.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return GRPC_STATUS.UNAVAILABLE;
    default:
      return GRPC_STATUS.UNKNOWN;
  }
}

/**
 * The status for a stream the server reset (RST_STREAM), as grpc-js maps it. HTTP/2 error codes
 * (RFC 9113 §7) as numbers, so this module does not load node:http2 at start-up.
 */
export function statusFromRstCode(rstCode: number): number {
  switch (rstCode) {
    case 0x7 /* REFUSED_STREAM */:
      return GRPC_STATUS.UNAVAILABLE;
    case 0x8 /* CANCEL */:
      return GRPC_STATUS.CANCELLED;
    case 0xb /* ENHANCE_YOUR_CALM */:
      return GRPC_STATUS.RESOURCE_EXHAUSTED;
    case 0xc /* INADEQUATE_SECURITY */:
      return GRPC_STATUS.PERMISSION_DENIED;
    default:
      return GRPC_STATUS.INTERNAL;
  }
}

/** `grpc-message` is percent-encoded on the wire (gRPC over HTTP/2 spec). */
export function decodeGrpcMessage(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The details of a call whose connection the server closed before it sent a SETTINGS frame
 * (grpc-transport.ts): no HTTP/2 server there. export-errors.ts (endpointHint) names the likely port mistake.
 */
export const UNSPOKEN_CLOSE =
  'the connection closed before the server spoke HTTP/2 on it (no SETTINGS frame)';
