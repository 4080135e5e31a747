import type { IncomingMessage } from 'node:http';
import { parseForwarded } from './forwarded-header.js';

/**
 * `server.address`/`server.port` and `client.address` of a server span, exactly as upstream's
 * instrumentation-http 0.223 (`getServerAddress`, `getRemoteClientAddress`, semconv 1.27)
 * computes them: `Forwarded` first, then `X-Forwarded-Host`/`-For`, then `Host` and the socket.
 */
export interface HostAndPort {
  readonly host: string | undefined;
  readonly port?: string | undefined;
}

export function serverAddress(request: IncomingMessage, component: string): HostAndPort | null {
  const headers = request.headers;
  const forwarded = headers.forwarded;
  if (forwarded) {
    for (const entry of parseForwarded(forwarded) ?? []) {
      if (entry.host) return parseHostHeader(entry.host, entry.proto);
    }
  }
  const forwardedHost = headers['x-forwarded-host'] as string | string[] | undefined;
  const forwardedProto = headers['x-forwarded-proto'] as string | string[] | undefined;
  const proto = Array.isArray(forwardedProto) ? forwardedProto[0] : forwardedProto;
  if (typeof forwardedHost === 'string') return parseHostHeader(forwardedHost, proto);
  if (Array.isArray(forwardedHost) && typeof forwardedHost[0] === 'string' && forwardedHost[0].length > 0)
    return parseHostHeader(forwardedHost[0], proto);
  const host = headers.host;
  if (typeof host === 'string' && host.length > 0) return parseHostHeader(host, component);
  return null;
}

export function clientAddress(request: IncomingMessage): string | null {
  const headers = request.headers;
  const forwarded = headers.forwarded;
  if (forwarded) {
    for (const entry of parseForwarded(forwarded) ?? []) {
      if (entry.for) return removePort(entry.for);
    }
  }
  const forwardedFor = headers['x-forwarded-for'] as string | string[] | undefined;
  if (forwardedFor) {
    const value = Array.isArray(forwardedFor) ? forwardedFor[0] : forwardedFor;
    if (typeof value === 'string') return removePort((value.split(',')[0] as string).trim());
  }
  return request.socket.remoteAddress || null;
}

function parseHostHeader(hostHeader: string, proto?: string): HostAndPort {
  const parts = hostHeader.split(':');
  const defaultPort = proto === 'http' ? '80' : proto === 'https' ? '443' : undefined;
  if (parts.length === 1)
    return defaultPort === undefined ? { host: parts[0] } : { host: parts[0], port: defaultPort };
  if (parts.length === 2) return { host: parts[0], port: parts[1] };
  // More colons: IPv6, `[a:b::c]` or `[a:b::c]:port`.
  if ((parts[0] as string).startsWith('[')) {
    if ((parts[parts.length - 1] as string).endsWith(']')) {
      if (defaultPort !== undefined) return { host: hostHeader, port: defaultPort };
    } else if ((parts[parts.length - 2] as string).endsWith(']')) {
      return { host: parts.slice(0, -1).join(':'), port: parts[parts.length - 1] };
    }
  }
  return { host: hostHeader };
}

/** Upstream's removePortFromAddress: the hostname a URL parser finds, IPv6 brackets removed. */
function removePort(input: string): string {
  try {
    const { hostname } = new URL(`http://${input}`);
    return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  } catch {
    return input;
  }
}
