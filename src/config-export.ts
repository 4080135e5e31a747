import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { type Env, envList, envString, firstNumber, warnEnv } from './env.js';
import { EXPORTER_NAMES, isHttpUrl } from './options.js';
import type { BatchOptions, ExporterName, OtlpProtocol, TracingOptions } from './types.js';

// How the export side of the configuration is resolved from code options and OTEL_* variables.

export const DEFAULT_MAX_QUEUE_SIZE = 4096;
const DEFAULT_GRPC_ENDPOINT = 'http://localhost:4317';
const DEFAULT_HTTP_ENDPOINT = 'http://localhost:4318/v1/traces';

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

export function resolveProtocol(options: TracingOptions, env: Env): OtlpProtocol {
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

export function resolveEndpoint(env: Env, protocol: OtlpProtocol): string {
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

export function resolveCompression(env: Env): 'gzip' | 'none' {
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', 'OTEL_EXPORTER_OTLP_COMPRESSION']) {
    const value = envString(env, name)?.toLowerCase();
    if (value === undefined) continue;
    if (value === 'gzip' || value === 'none') return value;
    warnEnv(name, value, 'it is not "gzip" or "none"', 'defaulting to none');
    return 'none';
  }
  return 'none';
}

export function resolveBatch(options: TracingOptions, env: Env): Required<BatchOptions> {
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
