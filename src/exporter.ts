import type { ExportResult } from '@opentelemetry/core';
import { ConsoleSpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { log } from './diag.js';
import { grpcTransportOptions, tlsOptions } from './export/otlp/grpc-options.js';
import { grpcStatusName } from './export/otlp/grpc-status.js';
import { GrpcTransport } from './export/otlp/grpc-transport.js';
import { buildTraceRequest } from './export/otlp/request.js';
import { RetryingExporter } from './export/retrying-exporter.js';
import { lazyRequire } from './lazy-require.js';
import type { ResolvedConfig } from './types.js';
import { WaterfallExporter } from './waterfall/index.js';

/** An exporter and how its spans reach it: batched (network) or one by one (local printing). */
export interface ExporterPlan {
  readonly name: string;
  readonly exporter: SpanExporter;
  readonly batched: boolean;
  /** Sends to a collector: counts towards the drop/failure report's endpoint. */
  readonly network?: boolean;
  /** Takes the encoded batches of `EncodedSpanQueue` (our OTLP exporters) instead of span arrays. */
  readonly encoded?: boolean;
}

/** The exporters for a resolved config; `none` gives an empty list. */
export function createExporters(config: ResolvedConfig, onRetry?: (error: unknown) => void): ExporterPlan[] {
  const exporters = config.exporters;
  if (!Array.isArray(exporters)) {
    return [{ name: 'custom', exporter: exporters as SpanExporter, batched: true }];
  }
  const plans: ExporterPlan[] = [];
  for (const name of exporters as ResolvedConfig['exporters'] & string[]) {
    if (name === 'otlp')
      plans.push({
        name,
        exporter: createRetryingOtlp(config, onRetry),
        batched: true,
        network: true,
        encoded: true,
      });
    else if (name === 'console') plans.push({ name, exporter: new ConsoleSpanExporter(), batched: false });
    else if (name === 'waterfall') {
      plans.push({ name, exporter: new WaterfallExporter(), batched: false });
    }
  }
  return plans;
}

/**
 * Defers loading the OTLP exporter (upstream's exporter packages, node:http2, and @grpc/grpc-js
 * when a proxy is set, ~40 ms of module loading) until the first batch is exported, so it is off
 * the start-up path.
 */
export class LazyExporter implements SpanExporter {
  private inner: SpanExporter | undefined;
  private readonly factory: () => SpanExporter;

  constructor(factory: () => SpanExporter) {
    this.factory = factory;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let inner: SpanExporter;
    try {
      inner = this.inner ??= this.factory();
    } catch (error) {
      resultCallback({ code: 1, error: error as Error });
      return;
    }
    inner.export(spans, resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner?.shutdown() ?? Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return this.inner?.forceFlush?.() ?? Promise.resolve();
  }
}

/**
 * OTLP with retries. Upstream's 0.223 gRPC delegate never retries UNAVAILABLE/DEADLINE_EXCEEDED
 * (with our transport or grpc-js), and grpc-js backs its reconnects off to minutes; `recreate`
 * gives a fresh connection after an outage.
 */
function createRetryingOtlp(config: ResolvedConfig, onRetry?: (error: unknown) => void): SpanExporter {
  const make = () => new LazyExporter(() => createOtlpExporter(config));
  return new RetryingExporter(make(), {
    deadlineMillis: config.batch.exportTimeoutMillis,
    recreate: make,
    ...(onRetry ? { onRetry } : {}),
  });
}

/**
 * An OTLP exporter with our serializer: it takes the spans our OTLP queue encoded as they ended
 * (export/otlp), so exporting a batch is a concatenation, not an encode. OTLP/gRPC goes over our
 * node:http2 transport unless a proxy variable applies (then grpc-js, which tunnels through it);
 * OTLP/HTTP over upstream's transport (endpoint, TLS, headers, compression, timeout unchanged).
 */
function createOtlpExporter(config: ResolvedConfig): SpanExporter {
  const common = {
    url: config.endpoint,
    timeoutMillis: config.exportTimeoutMillis,
    ...(config.compression === 'gzip' ? { compression: 'gzip' as never } : { compression: 'none' as never }),
  };
  const { OTLPExporterBase } = lazyRequire(
    '@opentelemetry/otlp-exporter-base',
  ) as typeof import('@opentelemetry/otlp-exporter-base');
  const { ProtobufTraceSerializer, TraceExporterMetricsHelper } = lazyRequire(
    '@opentelemetry/otlp-transformer',
  ) as typeof import('@opentelemetry/otlp-transformer');
  const serializer = {
    serializeRequest: buildTraceRequest,
    deserializeResponse: ProtobufTraceSerializer.deserializeResponse,
  } as unknown as typeof ProtobufTraceSerializer;
  if (config.protocol === 'http/protobuf') {
    // Upstream reads the certificate files itself; this only says, by name, which one is unreadable.
    tlsOptions(config.tlsFiles);
    const { createOtlpHttpExportDelegate, convertLegacyHttpOptions } = lazyRequire(
      '@opentelemetry/otlp-exporter-base/node-http',
    ) as typeof import('@opentelemetry/otlp-exporter-base/node-http');
    const delegate = createOtlpHttpExportDelegate(
      convertLegacyHttpOptions({ ...common, headers: { ...config.headers } }, 'TRACES', 'v1/traces', {
        'Content-Type': 'application/x-protobuf',
      }),
      serializer,
      'otlp_http_span_exporter',
      TraceExporterMetricsHelper,
      undefined,
    );
    return new OTLPExporterBase(delegate) as unknown as SpanExporter;
  }
  if (config.grpcProxyVariable === undefined) return createHttp2GrpcExporter(config, serializer);
  log.debug(`${config.grpcProxyVariable} is set: OTLP/gRPC goes through grpc-js, which honours it`);
  const { createOtlpGrpcExportDelegate, convertLegacyOtlpGrpcOptions } = lazyRequire(
    '@opentelemetry/otlp-grpc-exporter-base',
  ) as typeof import('@opentelemetry/otlp-grpc-exporter-base');
  const { Metadata } = lazyRequire('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(config.headers)) metadata.set(key, value);
  const delegate = createOtlpGrpcExportDelegate(
    convertLegacyOtlpGrpcOptions({ ...common, metadata }, 'TRACES'),
    serializer,
    'otlp_grpc_span_exporter',
    TraceExporterMetricsHelper,
    undefined,
    'TraceExportService',
    '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  );
  return new OTLPExporterBase(delegate) as unknown as SpanExporter;
}

/**
 * OTLP/gRPC over our node:http2 transport (export/otlp/grpc-transport.ts, which says why), inside
 * upstream's export delegate: same concurrency limit, timeout and partial-success handling, and
 * the same exporter metrics, with gRPC status names from our own table.
 */
function createHttp2GrpcExporter(config: ResolvedConfig, serializer: unknown): SpanExporter {
  const {
    OTLPExporterBase,
    ExporterMetrics,
    createOtlpNetworkExportDelegate,
    getSharedConfigurationDefaults,
  } = lazyRequire('@opentelemetry/otlp-exporter-base') as typeof import('@opentelemetry/otlp-exporter-base');
  const { TraceExporterMetricsHelper } = lazyRequire(
    '@opentelemetry/otlp-transformer',
  ) as typeof import('@opentelemetry/otlp-transformer');
  const metrics = new ExporterMetrics({
    componentType: 'otlp_grpc_span_exporter',
    metricsHelper: TraceExporterMetricsHelper,
    url: config.endpoint,
    meterProvider: undefined,
    responseAttributesFromError: (error) => ({ 'rpc.response.status_code': grpcStatusName(error) }),
  });
  const delegate = createOtlpNetworkExportDelegate(
    {
      timeoutMillis: config.exportTimeoutMillis,
      concurrencyLimit: getSharedConfigurationDefaults().concurrencyLimit,
      compression: config.compression as never,
    },
    serializer as never,
    metrics as never,
    new GrpcTransport(grpcTransportOptions(config)),
  );
  return new OTLPExporterBase(delegate) as unknown as SpanExporter;
}
