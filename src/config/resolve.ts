import type { Attributes, TextMapPropagator } from '@opentelemetry/api';
import { log } from '../diag/log.js';
import { ESM_PRELOAD_FLAG } from '../instrumentations/preloaded.js';
import type { PropagatorName, ResolvedConfig, TracingOptions } from '../types.js';
import { type Env, envBoolean, envKeyValues, envList, envString, firstNumber } from './env.js';
import {
  resolveBatch,
  resolveCompression,
  resolveEndpoint,
  resolveExporters,
  resolveGrpcProxyVariable,
  resolveMaxExportRequestBytes,
  resolveProtocol,
  resolveTlsFiles,
  resolveUnusedProxyVariable,
} from './export.js';
import { MAX_IGNORE_PATHS, MAX_TIMER_MILLIS, validateOptions } from './options.js';
import { findPackageInfo } from './package-info.js';
import {
  resolveDetectors,
  resolveInstrumentations,
  resolveLogLevel,
  resolvePropagators,
  resolveRedaction,
  resolveSampler,
} from './tracing.js';

export {
  DEFAULT_MAX_EXPORT_REQUEST_BYTES,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_MAX_QUEUE_SIZE,
} from './export.js';
export { DEFAULT_DETECTORS, DEFAULT_PROPAGATOR_NAMES } from './tracing.js';

export const DEFAULT_IGNORE_PATHS: readonly string[] = [
  '/health',
  '/healthz',
  '/ready',
  '/readyz',
  '/livez',
  '/ping',
  '/metrics',
];

/**
 * Resolve the configuration once: code options > `OTEL_*` env > defaults.
 * Throws {@link TracingConfigError} for a bad code option; a bad env value warns once and falls back.
 * Every other module receives the returned frozen object and never reads `process.env` itself.
 */
export function resolveConfig(options: TracingOptions = {}, env: Env = process.env): ResolvedConfig {
  validateOptions(options);
  const resourceEnv = envKeyValues(env, 'OTEL_RESOURCE_ATTRIBUTES') ?? {};
  const needPackage =
    options.serviceName === undefined &&
    envString(env, 'OTEL_SERVICE_NAME') === undefined &&
    resourceEnv['service.name'] === undefined;
  const needVersion = options.serviceVersion === undefined && resourceEnv['service.version'] === undefined;
  const pkg = needPackage || needVersion ? findPackageInfo() : undefined;

  const protocol = resolveProtocol(options, env);
  const endpoint = options.endpoint ?? resolveEndpoint(env, protocol);
  const { sampler, sampleRatio } = resolveSampler(options, env);
  const config: ResolvedConfig = {
    disabled: options.disabled ?? envBoolean(env, 'OTEL_SDK_DISABLED', false),
    serviceName:
      options.serviceName ??
      envString(env, 'OTEL_SERVICE_NAME') ??
      resourceEnv['service.name'] ??
      pkg?.name ??
      'unknown_service:node',
    serviceVersion: options.serviceVersion ?? resourceEnv['service.version'] ?? pkg?.version,
    environment:
      options.environment ??
      resourceEnv['deployment.environment.name'] ??
      resourceEnv['deployment.environment'] ??
      envString(env, 'ACME_OTEL_ENVIRONMENT') ??
      envString(env, 'NODE_ENV'),
    resourceAttributes: Object.freeze({ ...(resourceEnv as Attributes), ...options.resourceAttributes }),
    resourceDetectors: Object.freeze(options.resourceDetectors ?? resolveDetectors(env)),
    sampler,
    sampleRatio,
    propagators: Object.freeze(options.propagators ?? resolvePropagators(env)),
    exporters: resolveExporters(options, env),
    endpoint,
    protocol,
    headers: Object.freeze(
      checkHeaderSize({
        ...envKeyValues(env, 'OTEL_EXPORTER_OTLP_HEADERS', true),
        ...envKeyValues(env, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', true),
        ...options.headers,
      }),
    ),
    exportTimeoutMillis:
      options.exportTimeoutMillis ??
      firstNumber(
        env,
        ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT'],
        { min: 1, max: MAX_TIMER_MILLIS },
        10_000,
      ),
    compression: options.compression ?? resolveCompression(env),
    tlsFiles: resolveTlsFiles(env),
    grpcProxyVariable: resolveGrpcProxyVariable(env, endpoint),
    unusedProxyVariable: resolveUnusedProxyVariable(env, endpoint),
    batch: Object.freeze(resolveBatch(options, env)),
    spanLimits: Object.freeze({
      attributeCountLimit:
        options.spanLimits?.attributeCountLimit ??
        firstNumber(env, ['OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 'OTEL_ATTRIBUTE_COUNT_LIMIT'], nonNegInt, 128),
      attributeValueLengthLimit:
        options.spanLimits?.attributeValueLengthLimit ??
        firstNumber(
          env,
          ['OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'],
          positiveInt,
          DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
        ),
      eventCountLimit:
        options.spanLimits?.eventCountLimit ??
        firstNumber(env, ['OTEL_SPAN_EVENT_COUNT_LIMIT'], nonNegInt, 128),
      linkCountLimit:
        options.spanLimits?.linkCountLimit ??
        firstNumber(env, ['OTEL_SPAN_LINK_COUNT_LIMIT'], nonNegInt, 128),
      valueCountLimit:
        options.spanLimits?.valueCountLimit ??
        firstNumber(env, ['ACME_OTEL_SPAN_VALUE_COUNT_LIMIT'], positiveInt, DEFAULT_SPAN_VALUE_COUNT_LIMIT),
    }),
    maxExportRequestBytes: resolveMaxExportRequestBytes(options, env),
    spanProcessors: Object.freeze([...(options.spanProcessors ?? [])]),
    redaction: resolveRedaction(options, env),
    ignoreIncomingPaths: Object.freeze(
      options.ignoreIncomingPaths ??
        envList(env, 'ACME_OTEL_IGNORE_PATHS', MAX_IGNORE_PATHS, 'paths') ??
        DEFAULT_IGNORE_PATHS,
    ),
    httpServerFastPath: options.httpServerFastPath ?? envBoolean(env, 'ACME_OTEL_HTTP_FAST_PATH', true),
    gcTuning: options.gcTuning ?? envBoolean(env, 'ACME_OTEL_GC_TUNING', true),
    instrumentations: resolveInstrumentations(options, env),
    esm: options.esm ?? false,
    nodeOptionsLoadsEsm: ESM_PRELOAD_FLAG.test(env.NODE_OPTIONS ?? ''),
    tracesWorkerThreads: envBoolean(env, 'ACME_OTEL_WORKER_THREADS', false),
    logLevel: options.logLevel ?? resolveLogLevel(env),
    handleSignals: options.handleSignals ?? envBoolean(env, 'ACME_OTEL_HANDLE_SIGNALS', true),
    shutdownTimeoutMillis:
      options.shutdownTimeoutMillis ??
      firstNumber(env, ['ACME_OTEL_SHUTDOWN_TIMEOUT'], { min: 1, max: MAX_TIMER_MILLIS }, 5_000),
  };
  return Object.freeze(config);
}

const nonNegInt = { min: 0, integer: true };
// The SDK ignores (and warns on every attribute about) a value length limit of 0.
const positiveInt = { min: 1, integer: true };

/**
 * Characters kept of a string attribute value by default (the specification's default is no limit).
 * 16 KiB: any URL that got through Node's default 16 KiB header limit stays whole, and so do
 * ordinary stack traces and SQL, while one 1 MB value can no longer fill an export request.
 */
export const DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT = 16 * 1024;

/**
 * Attribute values kept of one span by default, array elements counted one by one (the SDK's counts
 * allow 16,512 values, 17 million in arrays). `span.end()` costs ~0.6-2.5 µs per value (walking,
 * scrubbing and encoding; the most for URL-dense values under keys new to the process): 2,048 such
 * values under 16,384 distinct keys took 5.7-7.3 ms, 1,024 take 3.7-4.2 ms, the costliest shape we
 * found (docs/safety.md). 8 × a span's own attribute count.
 */
export const DEFAULT_SPAN_VALUE_COUNT_LIMIT = 1024;

/** A propagator entry's display name. */
export function propagatorName(p: PropagatorName | TextMapPropagator): string {
  return typeof p === 'string' ? p : (p.constructor?.name ?? 'custom');
}

/**
 * Collectors and the proxies in front of them refuse a request whose headers pass a limit (nginx
 * and many load balancers from 8 KB, Node's own HTTP server from 16 KB: HTTP 431, or a refused
 * HTTP/2 stream over gRPC). Every export would then fail, over gRPC named as an unreachable
 * collector. Said once at start-up, with the size; the headers are sent as given.
 */
const HEADER_BYTES_WARN = 8 * 1024;

function checkHeaderSize(headers: Record<string, string>): Record<string, string> {
  let bytes = 0;
  for (const [name, value] of Object.entries(headers)) bytes += name.length + String(value).length + 4;
  if (bytes > HEADER_BYTES_WARN) {
    log.warn(
      `OTLP headers (OTEL_EXPORTER_OTLP_HEADERS, OTEL_EXPORTER_OTLP_TRACES_HEADERS, options.headers) come to ${bytes} bytes: ` +
        `collectors and proxies commonly refuse more than ${HEADER_BYTES_WARN} (HTTP 431, or a refused gRPC stream), ` +
        'and then every export fails; sending them as given',
    );
  }
  return headers;
}
