// The size limit a collector states when it refuses a request as too large, read from its
// message. No dependency: the exit sender thread (src/exit/sender-thread.ts) loads it.
//
// What gRPC servers say (grpc-go's rpc_util.go, the OpenTelemetry Collector; grpc-js, a Node one):
// - "grpc: received message larger than max (5242880 vs. 4194304)"
// - "grpc: received message larger than max length allowed on current machine (N vs. M)"
// - "grpc: received message after decompression larger than max (N vs. M)" (grpc-go before 1.66)
// - "grpc: message after decompression larger than max (N vs. M)"
// - "grpc: received message after decompression larger than max 4194304"
// - grpc-js: "Received message larger than max (262498 vs 65536)",
//   "Received message that decompresses to a size larger than 65536"
// The message is the server's (or a proxy's): untrusted, of any length. Only its first
// SCANNED_CHARS are read, with indexOf and a bounded walk: linear, no backtracking.

/** How much of a message is read: the Collector's is under 100 characters; grpc-js prefixes "8 RESOURCE_EXHAUSTED: ". */
const SCANNED_CHARS = 1024;
/** How far after "larger than" the number, or the "(N vs. M)" holding it, may start ("max length allowed on current machine "). */
const LOOKAHEAD = 48;
/** Digits of a size read at most: 15 keeps it an exact integer; a longer number is no usable limit. */
const MAX_DIGITS = 15;

/**
 * The limit, in bytes, that a "too large" message states, or undefined when it states none (or
 * a number that cannot be one: zero, more than 15 digits, a "received" size not over it).
 */
export function parseStatedLimit(message: string): number | undefined {
  const text = message.length > SCANNED_CHARS ? message.slice(0, SCANNED_CHARS) : message;
  const lower = text.toLowerCase();
  for (let at = lower.indexOf('larger than'); at !== -1; at = lower.indexOf('larger than', at + 1)) {
    const limit = limitAfter(lower, at + 'larger than'.length);
    if (limit !== undefined) return limit;
  }
  return undefined;
}

/** The limit stated from `from` on: "max M", " M", or "max … (N vs. M)" within LOOKAHEAD characters. */
function limitAfter(text: string, from: number): number | undefined {
  let i = skipSpaces(text, from);
  if (text.startsWith('max', i)) i = skipSpaces(text, i + 3);
  if (isDigit(text, i)) {
    const m = readNumber(text, i);
    return m && usable(m.value) ? m.value : undefined;
  }
  let open = i;
  while (open < text.length && open - i < LOOKAHEAD && text[open] !== '(') open++;
  if (text[open] !== '(') return undefined;
  const n = readNumber(text, skipSpaces(text, open + 1));
  if (!n) return undefined;
  let j = skipSpaces(text, n.end);
  if (!text.startsWith('vs', j)) return undefined;
  j += 2;
  if (text[j] === '.') j++;
  const m = readNumber(text, skipSpaces(text, j));
  if (!m || text[skipSpaces(text, m.end)] !== ')') return undefined;
  // The request's size comes first: a limit not below it is not why the request was refused.
  return usable(m.value) && n.value > m.value ? m.value : undefined;
}

function usable(limit: number): boolean {
  return limit > 0 && Number.isSafeInteger(limit);
}

function skipSpaces(text: string, i: number): number {
  let j = i;
  while (j < text.length && j - i < LOOKAHEAD && text[j] === ' ') j++;
  return j;
}

function isDigit(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** A run of digits at `i`, or undefined when there is none or it is longer than MAX_DIGITS. */
function readNumber(text: string, i: number): { value: number; end: number } | undefined {
  let j = i;
  while (isDigit(text, j)) {
    j++;
    if (j - i > MAX_DIGITS) return undefined;
  }
  return j === i ? undefined : { value: Number(text.slice(i, j)), end: j };
}

/**
 * The limit stated by an export error the collector refused as too large (gRPC
 * RESOURCE_EXHAUSTED; `details`, the message, and their causes, as too-large-answer.ts walks
 * them), or undefined. An HTTP 413 states none: the request is then halved.
 */
export function statedSizeLimit(error: unknown): number | undefined {
  for (let e = error, depth = 0; e != null && depth < 4; depth++) {
    if (e instanceof Error) {
      const details = (e as { details?: unknown }).details;
      const limit =
        (typeof details === 'string' ? parseStatedLimit(details) : undefined) ?? parseStatedLimit(e.message);
      if (limit !== undefined) return limit;
    }
    e = e instanceof Error ? e.cause : undefined;
  }
  return undefined;
}
