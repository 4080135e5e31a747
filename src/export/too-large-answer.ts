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
// A file of its own, without @opentelemetry/core: the exit sender thread (src/exit/sender-thread.ts)
// loads it, and its bundle must not take in the SDK (importing too-large.ts added 39 modules, 30 KB).
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
