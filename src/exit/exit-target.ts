import { grpcTransportOptions } from '../export/otlp/grpc-options.js';
import type { ResolvedConfig } from '../types.js';
import type { ExitTarget } from './sender-protocol.js';

/**
 * Where the exit sender sends: the configured OTLP endpoint, with the same metadata/headers, TLS
 * files and compression as the exporter. Built only at exit (the TLS files are read then). With a
 * gRPC proxy variable set the exporter tunnels through grpc-js; the exit sender connects directly.
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
  return { kind: 'grpc', options: grpcTransportOptions(config) };
}
