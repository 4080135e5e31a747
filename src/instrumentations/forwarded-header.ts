import forwardedParse from 'forwarded-parse';

/**
 * The `Forwarded` header (RFC 7239) parsed exactly as upstream's instrumentation-http parses it:
 * with the same package, forwarded-parse (one pass over the value, linear time). Where it throws
 * (a malformed header), upstream reads nothing from the header: `undefined` here.
 */
export function parseForwarded(header: string): Record<string, string>[] | undefined {
  // `server.address` and `client.address` both read it: one parse per request, not two.
  if (header === last.header) return last.entries;
  let entries: Record<string, string>[] | undefined;
  try {
    entries = forwardedParse(header);
  } catch {
    entries = undefined;
  }
  last = { header, entries };
  return entries;
}

let last: { header: string | undefined; entries: Record<string, string>[] | undefined } = {
  header: undefined,
  entries: undefined,
};
