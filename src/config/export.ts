import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { warnEnv } from '../diag/env-warning.js';
import { log } from '../diag/log.js';
import type {
  BatchOptions,
  EnvFile,
  ExporterName,
  OtlpProtocol,
  ResolvedConfig,
  TracingOptions,
} from '../types.js';
import { lazyRequire } from '../util/index.js';
import {
  type Env,
  envList,
  envString,
  firstNumber,
  firstValid,
  maskedUserinfo,
  warnUnknownEntries,
} from './env.js';
import {
  EXPORTER_NAMES,
  httpUrlProblem,
  MAX_QUEUE_SIZE,
  MAX_TIMER_MILLIS,
  MIN_EXPORT_REQUEST_BYTES,
  MIN_QUEUE_BYTES,
} from './options.js';

// How the export side of the configuration is resolved from code options and OTEL_* variables.

export const DEFAULT_MAX_QUEUE_SIZE = 4096;
/**
 * Encoded bytes the export queue holds by default: ~30,000 ordinary spans (1-2 KB), so only large
 * spans ever meet it, and 4,096 spans of a few hundred KB (what the span budgets allow) no longer
 * take gigabytes through an outage.
 */
export const DEFAULT_MAX_QUEUE_BYTES = 64 * 1024 * 1024;
/**
 * The Collector's default gRPC receive limit (`max_recv_msg_size_mib: 4`, checked against the
 * message itself), less 64 KiB: room for the 5-byte gRPC frame and for a proxy in front of the
 * collector that counts the HTTP/2 body with its framing, at the cost of 1.6 % fewer bytes per
 * request. Our own size bound already counts every resource and scope envelope.
 */
export const DEFAULT_MAX_EXPORT_REQUEST_BYTES = 4 * 1024 * 1024 - 64 * 1024;
const DEFAULT_GRPC_ENDPOINT = 'http://localhost:4317';
const TRACES_PATH = '/v1/traces';
const DEFAULT_HTTP_ENDPOINT = `http://localhost:4318${TRACES_PATH}`;

export function resolveExporters(options: TracingOptions, env: Env): readonly ExporterName[] | SpanExporter {
  const given = options.exporter;
  if (given !== undefined) {
    if (typeof given === 'string') return Object.freeze([given]);
    if (Array.isArray(given)) return Object.freeze([...new Set(given)]);
    return given as SpanExporter;
  }
  const names = envList(env, 'OTEL_TRACES_EXPORTER');
  if (names === undefined) return Object.freeze(['otlp'] as ExporterName[]);
  const known: ExporterName[] = [];
  const unknown: string[] = [];
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (!(EXPORTER_NAMES as readonly string[]).includes(name)) unknown.push(raw);
    else if (!known.includes(name as ExporterName)) known.push(name as ExporterName);
  }
  if (known.includes('none') && known.length > 1) {
    warnEnv(
      'OTEL_TRACES_EXPORTER',
      names.join(','),
      '"none" is combined with other exporters',
      'exporting nothing',
    );
    return Object.freeze(['none'] as ExporterName[]);
  }
  if (known.length === 0) known.push('otlp');
  if (unknown.length > 0)
    warnUnknownEntries(env, 'OTEL_TRACES_EXPORTER', names, unknown, EXPORTER_NAMES, known.join(','));
  return Object.freeze(known);
}

export function resolveProtocol(options: TracingOptions, env: Env): OtlpProtocol {
  if (options.protocol !== undefined) return options.protocol;
  return firstValid<OtlpProtocol>(
    env,
    ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'],
    (value) => {
      if (value === 'grpc' || value === 'http/protobuf') return { value };
      // Same endpoint and path; only the body encoding differs, and collectors take both.
      if (value === 'http/json')
        return { value: 'http/protobuf', problem: 'http/json is not supported by @acme/otel' };
      return { problem: 'it is not "grpc" or "http/protobuf"' };
    },
    'grpc',
  );
}

export function resolveEndpoint(env: Env, protocol: OtlpProtocol): string {
  const fallback = protocol === 'grpc' ? DEFAULT_GRPC_ENDPOINT : DEFAULT_HTTP_ENDPOINT;
  return firstValid(
    env,
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    (value, name) => {
      const problem = httpUrlProblem(value);
      if (problem !== undefined) return { problem };
      if (protocol === 'grpc') return { value };
      const base = withoutTrailingSlashes(value);
      // The signal-neutral endpoint gets the signal path appended for OTLP/HTTP (spec: exporter.md).
      if (name === 'OTEL_EXPORTER_OTLP_ENDPOINT') {
        // A full traces URL there made every export a 404 at …/v1/traces/v1/traces.
        if (new URL(base).pathname.endsWith(TRACES_PATH))
          return {
            value: base,
            problem: `it already ends with ${TRACES_PATH}, which is appended to this variable for OTLP/HTTP (to ${base}${TRACES_PATH}); set the collector's base URL, or the full one in OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`,
          };
        // Into the path: after a query (`?tenant=…`), it was part of the query.
        const end = base.search(/[?#]/);
        if (end === -1) return { value: `${base}${TRACES_PATH}` };
        return { value: `${withoutTrailingSlashes(base.slice(0, end))}${TRACES_PATH}${base.slice(end)}` };
      }
      const path = new URL(value).pathname;
      if (path === '' || path === '/')
        log.warnOnce(
          `traces-endpoint-path:${value}`,
          `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="${value}" has no path, and it is used as given (it is the full URL, unlike OTEL_EXPORTER_OTLP_ENDPOINT): an OTLP/HTTP collector takes spans at ${TRACES_PATH}, so a Collector answers 404 here; add ${TRACES_PATH} if yours does`,
        );
      return { value };
    },
    fallback,
    String,
    maskedUserinfo,
  );
}

export function resolveCompression(env: Env): 'gzip' | 'none' {
  return firstValid<'gzip' | 'none'>(
    env,
    ['OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', 'OTEL_EXPORTER_OTLP_COMPRESSION'],
    (raw) => {
      const value = raw.toLowerCase();
      return value === 'gzip' || value === 'none' ? { value } : { problem: 'it is not "gzip" or "none"' };
    },
    'none',
  );
}

/** The certificate variables, the signal-specific one first (exporter.md in the OTel spec). */
const TLS_VARIABLES = {
  certificate: ['OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE', 'OTEL_EXPORTER_OTLP_CERTIFICATE'],
  clientKey: ['OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY', 'OTEL_EXPORTER_OTLP_CLIENT_KEY'],
  clientCertificate: [
    'OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE',
    'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE',
  ],
} as const;

/** The PEM files for OTLP/gRPC over https; read when the exporter is built (export/otlp/grpc-options.ts). */
export function resolveTlsFiles(env: Env): ResolvedConfig['tlsFiles'] {
  const files: { -readonly [K in keyof typeof TLS_VARIABLES]?: EnvFile } = {};
  for (const key of Object.keys(TLS_VARIABLES) as (keyof typeof TLS_VARIABLES)[]) {
    for (const variable of TLS_VARIABLES[key]) {
      const path = envString(env, variable);
      if (path === undefined) continue;
      files[key] = Object.freeze({ variable, path });
      break;
    }
  }
  return Object.freeze(files);
}

/**
 * The proxy variable grpc-js would use for `endpoint` (its order and lowercase names; none when
 * `no_grpc_proxy`, else `no_proxy`, lists the endpoint's host as a suffix or an IPv4 CIDR, as
 * grpc-js's http_proxy.ts matches them).
 */
export function resolveGrpcProxyVariable(env: Env, endpoint: string): string | undefined {
  return applyingProxy(
    env,
    endpoint,
    ['grpc_proxy', 'https_proxy', 'http_proxy'],
    ['no_grpc_proxy', 'no_proxy'],
  );
}

/**
 * `HTTPS_PROXY` (or `HTTP_PROXY`, `GRPC_PROXY`) applying to the endpoint while no lower-case proxy
 * variable is set: container images and corporate hosts often set only those, which grpc-js does
 * not read, and OTLP/HTTP uses no proxy at all.
 */
export function resolveUnusedProxyVariable(env: Env, endpoint: string): string | undefined {
  if (['grpc_proxy', 'https_proxy', 'http_proxy'].some((name) => envString(env, name) !== undefined))
    return undefined;
  return applyingProxy(env, endpoint, ['GRPC_PROXY', 'HTTPS_PROXY', 'HTTP_PROXY'], ['NO_PROXY', 'no_proxy']);
}

/** The first of `names` that is set, unless the first set of `noProxyNames` lists the endpoint's host. */
function applyingProxy(
  env: Env,
  endpoint: string,
  names: readonly string[],
  noProxyNames: readonly string[],
): string | undefined {
  const variable = names.find((name) => envString(env, name) !== undefined);
  if (variable === undefined) return undefined;
  let host: string;
  try {
    host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return variable;
  }
  let noProxy = '';
  for (const name of noProxyNames) {
    const value = envString(env, name);
    if (value !== undefined) {
      noProxy = value;
      break;
    }
  }
  for (const entry of noProxy.split(',')) {
    const item = entry.trim();
    if (item !== '' && (host.endsWith(item) || inIpv4Cidr(host, item))) return undefined;
  }
  return variable;
}

/** Only reached with a proxy variable and a no_proxy list set, so node:net loads only then. */
function inIpv4Cidr(host: string, cidr: string): boolean {
  const { isIPv4 } = lazyRequire('node:net') as typeof import('node:net');
  const [base, bits] = cidr.split('/');
  const prefix = Number(bits);
  if (
    !isIPv4(host) ||
    base === undefined ||
    !isIPv4(base) ||
    !Number.isInteger(prefix) ||
    prefix < 0 ||
    prefix > 32
  )
    return false;
  const toInt = (ip: string) => ip.split('.').reduce((acc, octet) => ((acc << 8) | Number(octet)) >>> 0, 0);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return (toInt(host) & mask) >>> 0 === (toInt(base) & mask) >>> 0;
}

export function resolveBatch(options: TracingOptions, env: Env): Required<BatchOptions> {
  const b = options.batch ?? {};
  const positiveInt = { min: 1, integer: true };
  // 4096 rather than the specification's 2048: at ~1,000 spans/s a 2 s collector restart plus the
  // reconnect needs room for ~2,500 spans, and a span costs ~1-2 KB, so this bounds memory at a few MB.
  const maxQueueSize =
    b.maxQueueSize ??
    firstNumber(
      env,
      ['OTEL_BSP_MAX_QUEUE_SIZE'],
      { ...positiveInt, max: MAX_QUEUE_SIZE },
      DEFAULT_MAX_QUEUE_SIZE,
    );
  // The default batch never exceeds the queue: a small queue alone is not a mistake.
  let maxExportBatchSize =
    b.maxExportBatchSize ??
    firstNumber(env, ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE'], positiveInt, Math.min(512, maxQueueSize));
  if (maxExportBatchSize > maxQueueSize) {
    // Name what was really given: the batch size from the environment, or the code option.
    const batchVar =
      b.maxExportBatchSize === undefined ? envString(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE') : undefined;
    if (batchVar !== undefined)
      warnEnv(
        'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
        batchVar,
        `it exceeds the queue size (${maxQueueSize})`,
        `defaulting to ${maxQueueSize}`,
      );
    else
      log.warn(
        `batch.maxExportBatchSize (${maxExportBatchSize}) exceeds the queue size (${maxQueueSize}); using ${maxQueueSize}`,
      );
    maxExportBatchSize = maxQueueSize;
  }
  const maxQueueBytes =
    b.maxQueueBytes ??
    firstNumber(
      env,
      ['ACME_OTEL_MAX_QUEUE_BYTES'],
      { min: MIN_QUEUE_BYTES, integer: true },
      DEFAULT_MAX_QUEUE_BYTES,
    );
  return {
    maxQueueSize,
    maxQueueBytes,
    maxExportBatchSize,
    scheduledDelayMillis:
      b.scheduledDelayMillis ??
      firstNumber(env, ['OTEL_BSP_SCHEDULE_DELAY'], { min: 0, max: MAX_TIMER_MILLIS }, 5_000),
    exportTimeoutMillis:
      b.exportTimeoutMillis ??
      firstNumber(env, ['OTEL_BSP_EXPORT_TIMEOUT'], { min: 1, max: MAX_TIMER_MILLIS }, 30_000),
  };
}

export function resolveMaxExportRequestBytes(options: TracingOptions, env: Env): number {
  return (
    options.maxExportRequestBytes ??
    firstNumber(
      env,
      ['ACME_OTEL_MAX_EXPORT_REQUEST_BYTES'],
      { min: MIN_EXPORT_REQUEST_BYTES, integer: true },
      DEFAULT_MAX_EXPORT_REQUEST_BYTES,
    )
  );
}

/** `value` without its trailing `/`s (the regex `/\/+$/` retried from every `/` of a run: quadratic). */
function withoutTrailingSlashes(value: string): string {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 0x2f) end--;
  return value.slice(0, end);
}
