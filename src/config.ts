import type { Attributes, TextMapPropagator } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { log } from './diag.js';
import { type Env, envBoolean, envKeyValues, envList, envNumber, envString, warnEnv } from './env.js';
import { resolveInstrumentationNames } from './instrumentations/index.js';
import {
  DETECTOR_NAMES,
  EXPORTER_NAMES,
  isHttpUrl,
  LOG_LEVELS,
  PROPAGATOR_NAMES,
  SAMPLER_NAMES,
  validateOptions,
} from './options.js';
import { findPackageInfo } from './package-info.js';
import type {
  DbStatementMode,
  DetectorName,
  ExporterName,
  LogLevel,
  OtlpProtocol,
  PropagatorName,
  ResolvedConfig,
  SamplerName,
  TracingOptions,
} from './types.js';

export const DEFAULT_PROPAGATOR_NAMES: readonly PropagatorName[] = ['tracecontext', 'baggage', 'b3multi'];
export const DEFAULT_DETECTORS: readonly DetectorName[] = ['env', 'host', 'os', 'process', 'container'];
export const DEFAULT_IGNORE_PATHS: readonly string[] = [
  '/health',
  '/healthz',
  '/ready',
  '/readyz',
  '/livez',
  '/ping',
  '/metrics',
];
export const DEFAULT_MAX_QUEUE_SIZE = 4096;
const DEFAULT_GRPC_ENDPOINT = 'http://localhost:4317';
const DEFAULT_HTTP_ENDPOINT = 'http://localhost:4318/v1/traces';

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
    endpoint: options.endpoint ?? resolveEndpoint(env, protocol),
    protocol,
    headers: Object.freeze({
      ...envKeyValues(env, 'OTEL_EXPORTER_OTLP_HEADERS'),
      ...envKeyValues(env, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
      ...options.headers,
    }),
    exportTimeoutMillis:
      options.exportTimeoutMillis ??
      firstNumber(
        env,
        ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT'],
        { min: 1 },
        10_000,
      ),
    compression: options.compression ?? resolveCompression(env),
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
          nonNegInt,
          Number.POSITIVE_INFINITY,
        ),
      eventCountLimit:
        options.spanLimits?.eventCountLimit ??
        firstNumber(env, ['OTEL_SPAN_EVENT_COUNT_LIMIT'], nonNegInt, 128),
      linkCountLimit:
        options.spanLimits?.linkCountLimit ??
        firstNumber(env, ['OTEL_SPAN_LINK_COUNT_LIMIT'], nonNegInt, 128),
    }),
    spanProcessors: Object.freeze([...(options.spanProcessors ?? [])]),
    redaction: resolveRedaction(options, env),
    ignoreIncomingPaths: Object.freeze(
      options.ignoreIncomingPaths ?? envList(env, 'ACME_OTEL_IGNORE_PATHS') ?? DEFAULT_IGNORE_PATHS,
    ),
    instrumentations: resolveInstrumentations(options, env),
    esm: options.esm ?? false,
    logLevel: options.logLevel ?? resolveLogLevel(env),
    handleSignals: options.handleSignals ?? envBoolean(env, 'ACME_OTEL_HANDLE_SIGNALS', true),
    shutdownTimeoutMillis:
      options.shutdownTimeoutMillis ?? firstNumber(env, ['ACME_OTEL_SHUTDOWN_TIMEOUT'], { min: 1 }, 5_000),
  };
  return Object.freeze(config);
}

const nonNegInt = { min: 0, integer: true };

function firstNumber(
  env: Env,
  names: string[],
  rule: { min?: number; max?: number; integer?: boolean },
  fallback: number,
): number {
  for (const name of names) {
    const value = envNumber(env, name, rule, String(fallback));
    if (value !== undefined) return value;
  }
  return fallback;
}

function resolveSampler(
  options: TracingOptions,
  env: Env,
): { sampler: ResolvedConfig['sampler']; sampleRatio: number } {
  if (options.sampler !== undefined || options.sampleRatio !== undefined) {
    const sampler = options.sampler ?? 'parentbased_traceidratio';
    return { sampler, sampleRatio: options.sampleRatio ?? envRatio(env) };
  }
  const name = envString(env, 'OTEL_TRACES_SAMPLER')?.toLowerCase();
  let sampler: SamplerName = 'parentbased_always_on';
  if (name !== undefined) {
    if ((SAMPLER_NAMES as readonly string[]).includes(name)) sampler = name as SamplerName;
    else {
      const why = ['jaeger_remote', 'parentbased_jaeger_remote', 'xray'].includes(name)
        ? 'it is not supported by @acme/otel (pass a Sampler object in code)'
        : `it is not one of ${SAMPLER_NAMES.join(', ')}`;
      warnEnv('OTEL_TRACES_SAMPLER', name, why, 'defaulting to parentbased_always_on');
    }
  }
  return { sampler, sampleRatio: envRatio(env) };
}

function envRatio(env: Env): number {
  return envNumber(env, 'OTEL_TRACES_SAMPLER_ARG', { min: 0, max: 1 }, '1') ?? 1;
}

function resolvePropagators(env: Env): PropagatorName[] {
  const names = envList(env, 'OTEL_PROPAGATORS');
  if (names === undefined) return [...DEFAULT_PROPAGATOR_NAMES];
  const known: PropagatorName[] = [];
  const unknown: string[] = [];
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (!(PROPAGATOR_NAMES as readonly string[]).includes(name)) unknown.push(raw);
    else if (!known.includes(name as PropagatorName)) known.push(name as PropagatorName);
  }
  if (known.length === 0) {
    warnEnv(
      'OTEL_PROPAGATORS',
      names.join(','),
      'it names no known propagator',
      `defaulting to ${DEFAULT_PROPAGATOR_NAMES}`,
    );
    return [...DEFAULT_PROPAGATOR_NAMES];
  }
  for (const raw of unknown) {
    warnEnv('OTEL_PROPAGATORS', raw, `it is not one of ${PROPAGATOR_NAMES.join(', ')}`, 'ignoring it');
  }
  if (known.includes('none')) return ['none'];
  return known;
}

function resolveExporters(options: TracingOptions, env: Env): readonly ExporterName[] | SpanExporter {
  const given = options.exporter;
  if (given !== undefined) {
    if (typeof given === 'string') return Object.freeze([given]);
    if (Array.isArray(given)) return Object.freeze([...new Set(given)]);
    return given as SpanExporter;
  }
  const names = envList(env, 'OTEL_TRACES_EXPORTER');
  if (names === undefined) return Object.freeze(['otlp'] as ExporterName[]);
  const known: ExporterName[] = [];
  for (const raw of names) {
    const name = raw.toLowerCase();
    if ((EXPORTER_NAMES as readonly string[]).includes(name)) {
      if (!known.includes(name as ExporterName)) known.push(name as ExporterName);
    } else {
      warnEnv('OTEL_TRACES_EXPORTER', raw, `it is not one of ${EXPORTER_NAMES.join(', ')}`, 'ignoring it');
    }
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
  return Object.freeze(known.length > 0 ? known : (['otlp'] as ExporterName[]));
}

function resolveProtocol(options: TracingOptions, env: Env): OtlpProtocol {
  if (options.protocol !== undefined) return options.protocol;
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const value = envString(env, name);
    if (value === undefined) continue;
    if (value === 'grpc' || value === 'http/protobuf') return value;
    if (value === 'http/json') {
      warnEnv(name, value, 'http/json is not supported by @acme/otel', 'using http/protobuf (same endpoint)');
      return 'http/protobuf';
    }
    warnEnv(name, value, 'it is not "grpc" or "http/protobuf"', 'defaulting to grpc');
    return 'grpc';
  }
  return 'grpc';
}

function resolveEndpoint(env: Env, protocol: OtlpProtocol): string {
  const fallback = protocol === 'grpc' ? DEFAULT_GRPC_ENDPOINT : DEFAULT_HTTP_ENDPOINT;
  const traces = envString(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (traces !== undefined) {
    if (isHttpUrl(traces)) return traces;
    warnEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', traces, 'it is not an http(s) URL', `using ${fallback}`);
  }
  const base = envString(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (base !== undefined) {
    if (isHttpUrl(base)) {
      // The signal-neutral endpoint gets the signal path appended for OTLP/HTTP (spec: exporter.md).
      return protocol === 'grpc' ? base : `${base.replace(/\/+$/, '')}/v1/traces`;
    }
    warnEnv('OTEL_EXPORTER_OTLP_ENDPOINT', base, 'it is not an http(s) URL', `using ${fallback}`);
  }
  return fallback;
}

function resolveCompression(env: Env): 'gzip' | 'none' {
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', 'OTEL_EXPORTER_OTLP_COMPRESSION']) {
    const value = envString(env, name)?.toLowerCase();
    if (value === undefined) continue;
    if (value === 'gzip' || value === 'none') return value;
    warnEnv(name, value, 'it is not "gzip" or "none"', 'defaulting to none');
    return 'none';
  }
  return 'none';
}

function resolveBatch(options: TracingOptions, env: Env): Required<NonNullable<TracingOptions['batch']>> {
  const b = options.batch ?? {};
  const positiveInt = { min: 1, integer: true };
  // 4096 rather than the specification's 2048: at ~1,000 spans/s a 2 s collector restart plus the
  // reconnect needs room for ~2,500 spans, and a span costs ~1-2 KB, so this bounds memory at a few MB.
  const maxQueueSize =
    b.maxQueueSize ?? firstNumber(env, ['OTEL_BSP_MAX_QUEUE_SIZE'], positiveInt, DEFAULT_MAX_QUEUE_SIZE);
  let maxExportBatchSize =
    b.maxExportBatchSize ?? firstNumber(env, ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE'], positiveInt, 512);
  if (maxExportBatchSize > maxQueueSize) {
    warnEnv(
      'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
      String(maxExportBatchSize),
      `it exceeds the queue size (${maxQueueSize})`,
      `using ${maxQueueSize}`,
    );
    maxExportBatchSize = maxQueueSize;
  }
  return {
    maxQueueSize,
    maxExportBatchSize,
    scheduledDelayMillis:
      b.scheduledDelayMillis ?? firstNumber(env, ['OTEL_BSP_SCHEDULE_DELAY'], { min: 0 }, 5_000),
    exportTimeoutMillis:
      b.exportTimeoutMillis ?? firstNumber(env, ['OTEL_BSP_EXPORT_TIMEOUT'], { min: 1 }, 30_000),
  };
}

function resolveDetectors(env: Env): DetectorName[] {
  const names = envList(env, 'OTEL_NODE_RESOURCE_DETECTORS');
  if (names === undefined) return [...DEFAULT_DETECTORS];
  const out: DetectorName[] = [];
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (name === 'none') return [];
    if (name === 'all') return [...DETECTOR_NAMES];
    if (name === 'serviceinstance') continue; // service.instance.id is always set by resource.ts
    if ((DETECTOR_NAMES as readonly string[]).includes(name)) out.push(name as DetectorName);
    else
      warnEnv(
        'OTEL_NODE_RESOURCE_DETECTORS',
        raw,
        `it is not one of ${DETECTOR_NAMES.join(', ')}, all, none`,
        'ignoring it',
      );
  }
  return out;
}

function resolveRedaction(options: TracingOptions, env: Env): ResolvedConfig['redaction'] {
  if (options.redaction === false) return false;
  if (options.redaction === undefined && !envBoolean(env, 'ACME_OTEL_REDACTION', true)) return false;
  const given = options.redaction ?? {};
  let dbStatement: DbStatementMode | undefined = given.dbStatement;
  if (dbStatement === undefined) {
    const value = envString(env, 'ACME_OTEL_REDACT_DB_STATEMENT')?.toLowerCase();
    if (value === 'mask' || value === 'hash' || value === 'keep') dbStatement = value;
    else if (value !== undefined)
      warnEnv('ACME_OTEL_REDACT_DB_STATEMENT', value, 'it is not mask, hash or keep', 'defaulting to mask');
  }
  return Object.freeze({ ...given, dbStatement: dbStatement ?? 'mask' });
}

function resolveInstrumentations(options: TracingOptions, env: Env): ResolvedConfig['instrumentations'] {
  const given = options.instrumentations;
  const custom: Instrumentation[] = [];
  let option: boolean | string[] | undefined;
  if (Array.isArray(given)) {
    option = [];
    for (const item of given) {
      if (typeof item === 'string') option.push(item);
      else custom.push(item);
    }
  } else option = given;
  const names = resolveInstrumentationNames(
    {
      ...(option !== undefined ? { option } : {}),
      ...optionalEnv(env, 'OTEL_NODE_ENABLED_INSTRUMENTATIONS', 'enabledEnv'),
      ...optionalEnv(env, 'OTEL_NODE_DISABLED_INSTRUMENTATIONS', 'disabledEnv'),
    },
    (message) => log.warnOnce(`instrumentations:${message}`, message),
  );
  return Object.freeze({ names: Object.freeze(names), custom: Object.freeze(custom) });
}

function optionalEnv<K extends string>(env: Env, name: string, key: K): { [P in K]?: string } {
  const value = envString(env, name);
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function resolveLogLevel(env: Env): LogLevel {
  const value = envString(env, 'OTEL_LOG_LEVEL')?.toLowerCase();
  if (value === undefined) return 'info';
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as LogLevel;
  warnEnv('OTEL_LOG_LEVEL', value, `it is not one of ${LOG_LEVELS.join(', ')}`, 'defaulting to info');
  return 'info';
}

/** A propagator entry's display name. */
export function propagatorName(p: PropagatorName | TextMapPropagator): string {
  return typeof p === 'string' ? p : (p.constructor?.name ?? 'custom');
}
