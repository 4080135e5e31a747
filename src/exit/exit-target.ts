import { reporterOptions } from '../sdk/pipeline.js';
import type { ResolvedConfig } from '../types.js';
import type { ExitTarget } from './sender-protocol.js';

/**
 * Where the exit sender sends: the configured OTLP endpoint, with the same metadata/headers, TLS
 * files and compression as the exporter (the thread builds the same transport from them). With a
 * gRPC proxy variable set the exporter tunnels through grpc-js; the exit sender connects directly.
 */
export function exitTarget(config: ResolvedConfig): ExitTarget {
  const { endpoint, headers, compression, tlsFiles } = config;
  const { unreachableNote } = reporterOptions(config);
  return {
    kind: config.protocol === 'http/protobuf' ? 'http' : 'grpc',
    config: { endpoint, headers, compression, tlsFiles },
    ...(unreachableNote === undefined ? {} : { unreachableNote }),
  };
}
