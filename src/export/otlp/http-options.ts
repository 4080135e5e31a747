import type { ResolvedConfig } from '../../types.js';
import { checkedHeaders, tlsOptions } from './grpc-options.js';
import type { HttpTransportOptions } from './http-transport.js';

/**
 * Headers an OTLP/HTTP request sets itself, or that only the connection may set. `Host` is not
 * among them: an ingress that routes by host name, reached by address, needs it (upstream sends it).
 */
const RESERVED = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'user-agent',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'expect',
]);

/** The node:http transport's options for a resolved config (read when the exporter is built). */
export function httpTransportOptions(config: ResolvedConfig): HttpTransportOptions {
  const options: { -readonly [K in keyof HttpTransportOptions]: HttpTransportOptions[K] } = {
    url: config.endpoint,
    headers: checkedHeaders(config.headers, (name) => RESERVED.has(name), 'HTTP'),
    compression: config.compression,
    // The http instrumentation leaves requests with this prefix alone (instrumentations/settings.ts).
    userAgent: 'OTel-OTLP-Exporter-JavaScript @acme/otel',
  };
  // Read (and an unreadable one named) whatever the scheme, as upstream's OTLP/HTTP exporter did.
  const tls = tlsOptions(config.tlsFiles);
  if (new URL(config.endpoint).protocol === 'https:') options.tls = tls;
  return options;
}
