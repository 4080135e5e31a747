import type { ResolvedConfig } from '../types.js';
import type { ExitTarget } from './sender-protocol.js';

/**
 * Where the exit sender sends: the configured OTLP endpoint, with the same metadata/headers, TLS
 * files and compression as the exporter. With a gRPC proxy variable set the exporter tunnels
 * through grpc-js; the exit sender connects directly.
 */
export function exitTarget(config: ResolvedConfig): ExitTarget {
  if (config.protocol === 'http/protobuf') {
    return {
      kind: 'http',
      url: config.endpoint,
      headers: { ...config.headers },
      compression: config.compression === 'gzip' ? 'gzip' : 'none',
    };
  }
  const { endpoint, headers, compression, tlsFiles } = config;
  return { kind: 'grpc', config: { endpoint, headers, compression, tlsFiles } };
}
