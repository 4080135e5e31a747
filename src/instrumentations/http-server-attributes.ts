import type { IncomingMessage } from 'node:http';
import type { Attributes } from '@opentelemetry/api';
import { clientAddress, serverAddress } from './http-server-address.js';
import { redactQuery } from './query-redaction.js';

/**
 * A server span's request attributes, exactly as upstream's `getIncomingRequestAttributes`
 * (instrumentation-http 0.223, stable semconv, no start-span hook, no synthetic-source detection)
 * computes them; test/integration/http-server-parity.test.ts compares both on a corpus of
 * ordinary and odd requests. `redacted`: the query parameters whose values are replaced.
 */
export function incomingRequestAttributes(
  request: IncomingMessage,
  component: string,
  redacted: readonly string[],
): Attributes {
  return (
    fastIncomingAttributes(request, component, redacted) ??
    fullIncomingAttributes(request, component, redacted)
  );
}

/**
 * The common request: no `Forwarded` / `X-Forwarded-*` headers, a plain `Host`, a path the WHATWG
 * URL parser leaves as it is and a query it leaves as it is. Upstream builds a `URL` for every
 * request just to read `pathname` and `search` (and splits the Host header, looks up forwarding
 * headers...); for such a request they are the two parts of `request.url` around its first `?`
 * (a `URL` cost ~1.2 µs and ~350 bytes a request with a query). Anything else: `undefined`.
 */
export function fastIncomingAttributes(
  request: IncomingMessage,
  component: string,
  redacted: readonly string[],
): Attributes | undefined {
  const headers = request.headers;
  const url = request.url;
  if (
    url === undefined ||
    headers.forwarded !== undefined ||
    headers['x-forwarded-host'] !== undefined ||
    headers['x-forwarded-for'] !== undefined
  ) {
    return undefined;
  }
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (!isPlainPath(path) || (q !== -1 && !isPlainQuery(url, q + 1))) return undefined;
  const host = headers.host;
  if (typeof host !== 'string') return undefined;
  const colon = host.indexOf(':');
  const hostname = colon === -1 ? host : host.slice(0, colon);
  const port = colon === -1 ? (component === 'https' ? 443 : 80) : Number(host.slice(colon + 1));
  if (!isPlainHost(hostname) || (colon !== -1 && !isPort(host, colon + 1))) return undefined;

  const method = request.method;
  const normalized = normalizeMethod(method);
  const socket = request.socket;
  const remoteAddress = socket.remoteAddress;
  // Same keys in the same order as upstream (values may be undefined, as there).
  const attributes: Attributes = {
    'http.request.method': normalized,
    'url.scheme': component,
    'server.address': hostname,
    'network.peer.address': remoteAddress,
    'network.peer.port': socket.remotePort,
    'network.protocol.version': request.httpVersion,
    'user_agent.original': headers['user-agent'],
    'url.path': path,
  };
  // `search` is empty for a bare `?`, and then upstream sets no url.query.
  if (q !== -1 && q + 1 < url.length) attributes['url.query'] = redactQuery(url.slice(q + 1), redacted);
  if (remoteAddress) attributes['client.address'] = remoteAddress;
  attributes['server.port'] = port;
  if (method !== normalized) attributes['http.request.method_original'] = method;
  return attributes;
}

/** Upstream's way for every request: a `URL`, the forwarding headers, the query redacted. */
function fullIncomingAttributes(request: IncomingMessage, component: string, redacted: readonly string[]) {
  const { headers, method } = request;
  const url = parseRequestUrl(request, component);
  const normalized = normalizeMethod(method);
  const server = serverAddress(request, component);
  const client = clientAddress(request);
  const attributes: Attributes = {
    'http.request.method': normalized,
    'url.scheme': component,
    'server.address': server?.host,
    'network.peer.address': request.socket.remoteAddress,
    'network.peer.port': request.socket.remotePort,
    'network.protocol.version': request.httpVersion,
    'user_agent.original': headers['user-agent'],
  };
  if (url?.pathname != null) attributes['url.path'] = url.pathname;
  if (url?.search) attributes['url.query'] = redactQuery(url.search.slice(1), redacted);
  if (client != null) attributes['client.address'] = client;
  if (server?.port != null) attributes['server.port'] = Number(server.port);
  if (method !== normalized) attributes['http.request.method_original'] = method;
  return attributes;
}

/** Upstream's getInfoFromIncomingMessage: `undefined` where the URL parser throws. */
function parseRequestUrl(request: IncomingMessage, component: string): URL | undefined {
  const host = request.headers.host;
  try {
    return new URL(request.url ?? '/', `${component}://${host ? host : 'localhost'}`);
  } catch {
    return undefined;
  }
}

/** instrumentation-http's DEFAULT_QUERY_STRINGS_TO_REDACT (0.223). */
export const DEFAULT_REDACTED_QUERY_PARAMS: readonly string[] = Object.freeze([
  'sig',
  'Signature',
  'AWSAccessKeyId',
  'X-Goog-Signature',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
]);

/**
 * `url.path` as upstream would report it, when that is certain without a `URL`: the part before
 * `?` of a plain path under a plain Host. `undefined` when upstream's answer could differ (it
 * omits url.path when the Host makes `new URL` throw).
 */
export function plainUrlPath(request: IncomingMessage): string | undefined {
  const url = request.url;
  const host = request.headers.host;
  if (url === undefined || typeof host !== 'string') return undefined;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (!isPlainPath(path)) return undefined;
  const colon = host.indexOf(':');
  if (colon === -1) return isPlainHost(host) ? path : undefined;
  return isPlainHost(host.slice(0, colon)) && isPort(host, colon + 1) ? path : undefined;
}

// RFC 9110 methods plus PATCH and QUERY, as upstream.
const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
  'QUERY',
]);

/** Upstream's normalizeMethod: known methods upper-cased, others `_OTHER`, missing `GET`. */
export function normalizeMethod(method: string | undefined): string {
  if (method == null) return 'GET';
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : '_OTHER';
}

// Characters the URL parser copies into a path unchanged: unreserved, sub-delims, ':', '@', '/'
// and '%' (an existing escape is kept as is). No '?', '#', '\' (a '/' for http), spaces, quotes,
// '^', backtick, braces or non-ASCII, which it would encode or reinterpret.
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
// A segment the parser would resolve or rewrite: '.', '..' and their %2e spellings.
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

function isPlainPath(url: string): boolean {
  return PLAIN_PATH.test(url) && !DOT_SEGMENT.test(url);
}

/**
 * Whether the URL parser copies `url` from `from` on into `search` unchanged: printable ASCII but
 * the special-query percent-encode set (`"`, `#` (the fragment), `'`, `<`, `>`); `%` escapes are
 * kept as they are.
 */
function isPlainQuery(url: string, from: number): boolean {
  for (let i = from; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x22 || c === 0x23 || c === 0x27 || c === 0x3c || c === 0x3e)
      return false;
  }
  return true;
}

// A DNS name whose last label is not numeric (the URL parser would read it as IPv4 and could
// reject it), no punycode (it would validate it), or a canonical dotted-quad IPv4 address.
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function isPlainHost(hostname: string): boolean {
  if (IPV4.test(hostname)) return true;
  if (!isDnsName(hostname) || /(?:^|\.)xn--/i.test(hostname)) return false;
  const last = hostname.slice(hostname.lastIndexOf('.') + 1);
  return !/^0x[0-9a-f]*$/i.test(last);
}

/**
 * Labels of `[A-Za-z0-9-]`, none empty, the last with a letter or `-`, in one pass. It was the
 * regex `^(?:[A-Za-z0-9-]+\.)*[A-Za-z0-9-]*[A-Za-z-][A-Za-z0-9-]*$`, which backtracks on a last
 * label that ends badly: a 16 KB `Host` of `a`s and a `!` blocked the event loop ~210 ms per
 * request, within Node's default header limit (issue 20: every regex over untrusted text linear).
 */
function isDnsName(hostname: string): boolean {
  let labelStart = 0;
  let letter = false;
  for (let i = 0; i < hostname.length; i++) {
    const code = hostname.charCodeAt(i);
    if (code === 0x2e) {
      if (i === labelStart) return false;
      labelStart = i + 1;
      letter = false;
    } else if (code === 0x2d || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a)) {
      letter = true;
    } else if (code < 0x30 || code > 0x39) {
      return false;
    }
  }
  return labelStart < hostname.length && letter;
}

/** One to five digits up to 65535 from `from` to the end. */
function isPort(host: string, from: number): boolean {
  const digits = host.length - from;
  if (digits < 1 || digits > 5) return false;
  for (let i = from; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return Number(host.slice(from)) <= 65535;
}
