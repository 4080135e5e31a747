import forwardedParse from 'forwarded-parse';

/**
 * The `Forwarded` header (RFC 7239) parsed exactly as upstream's instrumentation-http parses it:
 * with the same package, forwarded-parse (one pass over the value, linear time). Where it throws
 * (a malformed header), upstream reads nothing from the header: `undefined` here.
 */
export function parseForwarded(header: string): Record<string, string>[] | undefined {
  try {
    return forwardedParse(header);
  } catch {
    return undefined;
  }
}
