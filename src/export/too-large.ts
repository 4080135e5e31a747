import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { SIZE_MESSAGE } from './export-errors.js';

// A collector refuses a request over its size limit with gRPC RESOURCE_EXHAUSTED (8) and a size
// message, or HTTP 413. RESOURCE_EXHAUSTED alone also means "throttled, retry later", so the
// message decides:
// - grpc-go (the Collector): "grpc: received message larger than max (5242880 vs. 4194304)", and
//   "... after decompression larger than max ..." for a gzip body;
// - grpc-js: "Received message larger than max (...)", "Sent message larger than max (...)".
// - a proxy in front of a gRPC collector answering HTTP 413: our transport reports UNKNOWN (2),
//   "Received HTTP status code 413", as gRPC maps HTTP statuses it does not list.
// Sending the same bytes again can only get the same answer, for the whole export timeout.
// (SIZE_MESSAGE: export-errors.ts, which the exit sender thread loads without @opentelemetry/core.)
const HTTP_413 = /HTTP status code 413\b/;

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/** True when an export error says the request was too large for the collector. */
export function isTooLargeAnswer(error: unknown): boolean {
  for (let e = error, depth = 0; e != null && depth < 4; depth++) {
    const code = codeOf(e);
    if (code === 413) return true;
    if (code === 8 && e instanceof Error && SIZE_MESSAGE.test(e.message)) return true;
    if (e instanceof Error && HTTP_413.test(e.message)) return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}

/**
 * Spans not exported because they were too large: for our own request limit
 * (`maxExportRequestBytes`) or the collector's. The message always says "too large".
 */
export class ExportTooLargeError extends Error {
  override name = 'ExportTooLargeError';
}

/**
 * An export result that may say only some spans failed: `failedCount` of them, for `error`; the
 * others were delivered. A plain `ExportResult` fails or succeeds as a whole.
 */
export interface PartialExportResult extends ExportResult {
  readonly failedCount?: number;
}

/** How many of `total` spans an export result lost. */
export function failedSpanCount(result: PartialExportResult, total: number): number {
  if (result.failedCount !== undefined) return Math.min(total, result.failedCount);
  return result.code === ExportResultCode.SUCCESS ? 0 : total;
}
