import path from 'node:path';
import type { SecureContext } from 'node:tls';
// Direct files rather than diag/index.ts: the exit sender thread's bundle imports this file, and
// it needs only the logger.
import { warnEnv } from '../../diag/env-warning.js';
import { log } from '../../diag/log.js';
import { errorMessage } from '../../errors.js';
import type { EnvFile, ResolvedConfig } from '../../types.js';
import { lazyRequire } from '../../util/index.js';
import { quoted } from '../../util/quote.js';
import { readSmallFile } from '../../util/small-file.js';
import type { GrpcTransportOptions } from './grpc-transport.js';
import { keyPairContext, type PemKind, pemProblem } from './pem-files.js';

export const TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/**
 * Headers a call sets itself, or that HTTP/2 forbids (RFC 9113 §8.2.2): metadata with these
 * names would break the call, so it is left out with a warning.
 */
const RESERVED = new Set([
  'content-type',
  'te',
  'user-agent',
  'grpc-timeout',
  'grpc-encoding',
  'grpc-accept-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/** The node:http2 transport's options for a resolved config (read when the exporter is built). */
export function grpcTransportOptions(config: ResolvedConfig): GrpcTransportOptions {
  const options: { -readonly [K in keyof GrpcTransportOptions]: GrpcTransportOptions[K] } = {
    url: config.endpoint,
    path: TRACE_EXPORT_PATH,
    metadata: grpcMetadata(config.headers),
    compression: config.compression,
    userAgent: 'OTel-OTLP-Exporter-JavaScript @acme/otel',
  };
  if (new URL(config.endpoint).protocol === 'https:') options.tls = tlsOptions(config.tlsFiles);
  return options;
}

/** Header names lowercased (gRPC metadata keys are); reserved or malformed entries dropped. */
export function grpcMetadata(headers: Readonly<Record<string, string>>): Record<string, string> {
  return checkedHeaders(headers, (name) => name.startsWith(':') || RESERVED.has(name), 'gRPC');
}

/**
 * The export headers a request can carry, names lowercased: one the exporter sets itself
 * (`reserved`) or that Node refuses (a bad name, a control character in the value) is left out,
 * said once, naming the header but never its value (it is often a key). Sent as given, such a
 * header failed every export.
 */
export function checkedHeaders(
  headers: Readonly<Record<string, string>>,
  reserved: (lowercaseName: string) => boolean,
  exporter: 'gRPC' | 'HTTP',
): Record<string, string> {
  const { validateHeaderName, validateHeaderValue } = lazyRequire('node:http') as typeof import('node:http');
  const checked: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.trim().toLowerCase();
    let problem: string | undefined;
    if (reserved(name)) problem = `the ${exporter} exporter sets this header itself`;
    else {
      try {
        validateHeaderName(name);
        validateHeaderValue(name, value);
      } catch (error) {
        problem = `it is not a valid header (${errorMessage(error)})`;
      }
    }
    if (problem) {
      log.warnOnce(
        `${exporter === 'gRPC' ? 'grpc-metadata' : 'http-header'}:${name}`,
        `OTLP header ${quoted(rawName)} was given, but ${problem}, sending the export without it.`,
      );
      continue;
    }
    checked[name] = value;
  }
  return checked;
}

/**
 * CA and client key pair from the OTLP certificate variables; an unreadable file warns, naming the
 * variable (upstream's warning for OTLP/HTTP names neither it nor the file, and goes to debug).
 */
export function tlsOptions(files: ResolvedConfig['tlsFiles']): NonNullable<GrpcTransportOptions['tls']> {
  const tls: { ca?: Buffer; key?: Buffer; cert?: Buffer; secureContext?: SecureContext } = {};
  const ca = readPem(files.certificate, 'certificate');
  const key = readPem(files.clientKey, 'key');
  const cert = readPem(files.clientCertificate, 'certificate');
  if (ca) tls.ca = ca;
  const pair = key && cert ? keyPairContext(key, cert, ca) : undefined;
  if (key && cert && pair?.context !== undefined) {
    tls.key = key;
    tls.cert = cert;
    tls.secureContext = pair.context;
  } else if (key && cert) {
    const { clientKey, clientCertificate } = files as Required<typeof files>;
    warnEnv(
      clientKey.variable,
      clientKey.path,
      `it cannot be used with ${clientCertificate.variable}=${quoted(clientCertificate.path)} (${pair?.problem})`,
      'connecting without a client certificate',
    );
  } else if (key || cert) {
    const given = (key ? files.clientKey : files.clientCertificate) as EnvFile;
    warnEnv(
      given.variable,
      given.path,
      'the client key and certificate must both be set',
      'connecting without a client certificate',
    );
  }
  return tls;
}

/**
 * A PEM file's size bound: a CA bundle of every public root is ~220 KB, so 4 MiB holds any real
 * one, and a file named by mistake (a log, a disk image) is refused rather than read whole.
 */
export const MAX_PEM_BYTES = 4 * 1024 * 1024;

function readPem(file: EnvFile | undefined, kind: PemKind): Buffer | undefined {
  if (!file) return undefined;
  let bytes: Buffer;
  try {
    bytes = readSmallFile(path.resolve(process.cwd(), file.path), MAX_PEM_BYTES);
  } catch (error) {
    warnEnv(
      file.variable,
      file.path,
      `the file could not be read (${(error as Error).message})`,
      'connecting without it',
    );
    return undefined;
  }
  const problem = pemProblem(kind, bytes);
  if (problem === undefined) return bytes;
  warnEnv(file.variable, file.path, problem, 'connecting without it');
  return undefined;
}
