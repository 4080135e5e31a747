import type { Attributes, TextMapPropagator, Tracer } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { Sampler, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Propagator names accepted in `propagators` and `OTEL_PROPAGATORS`. */
export type PropagatorName = 'tracecontext' | 'baggage' | 'b3' | 'b3multi' | 'jaeger' | 'none';

/** Sampler names from the OpenTelemetry specification (`OTEL_TRACES_SAMPLER`). */
export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

/** Exporter names accepted in `exporter` and `OTEL_TRACES_EXPORTER`. */
export type ExporterName = 'otlp' | 'console' | 'waterfall' | 'none';

/** OTLP transport (`OTEL_EXPORTER_OTLP_PROTOCOL`). */
export type OtlpProtocol = 'grpc' | 'http/protobuf';

/** Internal log level (`OTEL_LOG_LEVEL`). */
export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

/** Resource detectors. Cloud detectors call the metadata address and are off unless listed. */
export type DetectorName =
  | 'env'
  | 'host'
  | 'os'
  | 'process'
  | 'container'
  | 'aws'
  | 'gcp'
  | 'azure'
  | 'alibaba';

/** What happens to literal values in `db.statement` / `db.query.text`. */
export type DbStatementMode = 'mask' | 'hash' | 'keep';

export interface BatchOptions {
  /** Spans kept in memory while waiting for export, at most 1,048,576. Env `OTEL_BSP_MAX_QUEUE_SIZE`. @default 4096 (the spec says 2048; ours survives a 2 s collector restart at 1,000 spans/s) */
  maxQueueSize?: number;
  /**
   * Encoded bytes the OTLP export queue holds at most: past it a span is dropped and counted as
   * with a full queue (the first span into an empty queue is always taken), so that spans of up to
   * a few MB each, through an outage, cannot fill memory 4,096 at a time. Env
   * `ACME_OTEL_MAX_QUEUE_BYTES`. @default 67108864 (64 MiB)
   */
  maxQueueBytes?: number;
  /** Spans per export request. Env `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`. @default 512 */
  maxExportBatchSize?: number;
  /** Delay between two exports, ms. Env `OTEL_BSP_SCHEDULE_DELAY`. @default 5000 */
  scheduledDelayMillis?: number;
  /** Time allowed for one export, ms. Env `OTEL_BSP_EXPORT_TIMEOUT`. @default 30000 */
  exportTimeoutMillis?: number;
}

export interface SpanLimitOptions {
  /** Env `OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT` (falls back to `OTEL_ATTRIBUTE_COUNT_LIMIT`). @default 128 */
  attributeCountLimit?: number;
  /**
   * Longest string attribute value kept, in characters; longer ones are cut to this length.
   * Applies to span, event (so `exception.message` and `exception.stacktrace` too) and link
   * attributes, each string of an array, the status message and the span name. 16 KiB keeps any
   * URL that fits Node's default 16 KiB header limit whole, while a 1 MB string can no longer fill
   * an export request by itself. A span's text in all is kept to 8 × this, an array's to 4 ×
   * (longest values cut first, named in `acme.otel.truncated`). `Infinity` turns the limits off.
   * Env `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT`, then `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`.
   * @default 16384
   * @example initTracing({ spanLimits: { attributeValueLengthLimit: 4096 } })
   */
  attributeValueLengthLimit?: number;
  /** Env `OTEL_SPAN_EVENT_COUNT_LIMIT`. @default 128 */
  eventCountLimit?: number;
  /** Env `OTEL_SPAN_LINK_COUNT_LIMIT`. @default 128 */
  linkCountLimit?: number;
  /**
   * Most attribute values one span keeps in all: its attributes, its events' and its links', each
   * element of an array counted. The counts above multiply (128 events of 128 attributes, arrays of
   * up to 1,024 elements), and `span.end()` costs ~0.6-2.5 µs per value. Past it the span's own
   * attributes stay whole, and its events and links lose their last attributes (the largest lose
   * the most), counted in their `droppedAttributesCount` and named in `acme.otel.truncated`.
   * `Infinity` turns it off. Env `ACME_OTEL_SPAN_VALUE_COUNT_LIMIT`.
   * @default 1024
   */
  valueCountLimit?: number;
}

export interface RedactionOptions {
  /**
   * Attribute keys (case-insensitive, matched on the last dotted segment too) whose values are
   * replaced. A string is also a secret name in free text (`name=…`, `<name>…</name>`) and as a
   * URL query parameter. Added to the defaults.
   */
  keys?: (string | RegExp)[];
  /** Value patterns replaced wherever they occur in string attributes, event attributes and exception messages. Added to the defaults. */
  patterns?: RegExp[];
  /** Query parameter names scrubbed from URL attributes. Added to the defaults. */
  queryParams?: string[];
  /** `db.statement` / `db.query.text` literal handling. Env `ACME_OTEL_REDACT_DB_STATEMENT`. @default 'mask' */
  dbStatement?: DbStatementMode;
  /** Replacement text. @default '[REDACTED]' */
  replacement?: string;
}

/** Options for {@link initTracing}. Every option overrides its environment variable. */
export interface TracingOptions {
  /** Turn tracing off entirely (no provider is registered). Env `OTEL_SDK_DISABLED`. @default false */
  disabled?: boolean;
  /** `service.name`. Env `OTEL_SERVICE_NAME`, then `OTEL_RESOURCE_ATTRIBUTES`, then the nearest package.json name. @default 'unknown_service:node' */
  serviceName?: string;
  /** `service.version`. Env `OTEL_RESOURCE_ATTRIBUTES`, then the nearest package.json version. */
  serviceVersion?: string;
  /** `deployment.environment.name`. Env `OTEL_RESOURCE_ATTRIBUTES`, `ACME_OTEL_ENVIRONMENT`, then `NODE_ENV`. */
  environment?: string;
  /** Extra resource attributes, merged over `OTEL_RESOURCE_ATTRIBUTES`. */
  resourceAttributes?: Attributes;
  /** Resource detectors to run. Env `OTEL_NODE_RESOURCE_DETECTORS`. @default ['env','host','os','process','container'] */
  resourceDetectors?: DetectorName[];
  /** Sampler name or object. Env `OTEL_TRACES_SAMPLER`. @default 'parentbased_always_on' (or 'parentbased_traceidratio' when `sampleRatio` is given) */
  sampler?: SamplerName | Sampler;
  /** Ratio for the trace-id-ratio samplers, in [0, 1]. Env `OTEL_TRACES_SAMPLER_ARG`. */
  sampleRatio?: number;
  /** Propagators, by name or object. Env `OTEL_PROPAGATORS`. @default ['tracecontext', 'baggage', 'b3multi'] (B3 single is always extracted too) */
  propagators?: (PropagatorName | TextMapPropagator)[];
  /** Exporter name(s) or object. Env `OTEL_TRACES_EXPORTER`. @default 'otlp' */
  exporter?: ExporterName | ExporterName[] | SpanExporter;
  /** OTLP endpoint. Env `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, then `OTEL_EXPORTER_OTLP_ENDPOINT`. @default 'http://localhost:4317' (grpc) or 'http://localhost:4318/v1/traces' */
  endpoint?: string;
  /** OTLP protocol. Env `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, then `OTEL_EXPORTER_OTLP_PROTOCOL`. @default 'grpc' */
  protocol?: OtlpProtocol;
  /** OTLP headers (sent as gRPC metadata). Env `OTEL_EXPORTER_OTLP_TRACES_HEADERS`, `OTEL_EXPORTER_OTLP_HEADERS`. Shown as [REDACTED]. */
  headers?: Record<string, string>;
  /** OTLP request timeout, ms. Env `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`, `OTEL_EXPORTER_OTLP_TIMEOUT`. @default 10000 */
  exportTimeoutMillis?: number;
  /** OTLP compression. Env `OTEL_EXPORTER_OTLP_TRACES_COMPRESSION`, `OTEL_EXPORTER_OTLP_COMPRESSION`. @default 'none' */
  compression?: 'gzip' | 'none';
  /** Batch span processor settings. Env `OTEL_BSP_*`. */
  batch?: BatchOptions;
  /** Span limits. Env `OTEL_SPAN_*_LIMIT`, `OTEL_ATTRIBUTE_*_LIMIT`. */
  spanLimits?: SpanLimitOptions;
  /**
   * Largest OTLP export request, in bytes (the encoded ExportTraceServiceRequest). A batch is split
   * into requests of at most this size; a span too large on its own is sent with its longest
   * attribute values truncated, or dropped (counted, and logged by name) when even that is not
   * enough. The default is the Collector's default gRPC limit (4 MiB, `max_recv_msg_size_mib`) less
   * 64 KiB of margin for framing and proxies. Raise it only together with the collector's limit.
   * A lower limit learned from the collector (it states one, or refuses a request with HTTP 413)
   * is used instead for 10 minutes at a time, with one warning; then this size is tried again.
   * Env `ACME_OTEL_MAX_EXPORT_REQUEST_BYTES`.
   * @default 4128768
   * @example initTracing({ maxExportRequestBytes: 16 * 1024 * 1024 })
   */
  maxExportRequestBytes?: number;
  /** Extra span processors, run before export (after redaction). */
  spanProcessors?: SpanProcessor[];
  /** Secret scrubbing; `false` turns it off. Env `ACME_OTEL_REDACTION=false`. @default on */
  redaction?: RedactionOptions | false;
  /** Incoming HTTP paths that create no spans. Env `ACME_OTEL_IGNORE_PATHS` (comma-separated). @default ['/health','/healthz','/ready','/readyz','/livez','/ping','/metrics'] */
  ignoreIncomingPaths?: (string | RegExp)[];
  /**
   * Our leaner server side for incoming HTTP requests, on node:http's diagnostics channels: the
   * same span, attributes, status and route as upstream's http instrumentation at a fraction of
   * its cost, and unsampled requests that skip the attribute work. `false` leaves every request to
   * upstream's code (a switch to rule it out when in doubt). Decided at start-up, it steps aside
   * by itself when a MeterProvider registered before `initTracing()` (upstream records
   * `http.server.request.duration`) or another context manager needs upstream's path.
   * Env `ACME_OTEL_HTTP_FAST_PATH`. @default true
   * @example initTracing({ httpServerFastPath: false })
   */
  httpServerFastPath?: boolean;
  /**
   * Turns V8's allocation-site pretenuring off for the process when the first recorded span starts
   * (`v8.setFlagsFromString`), unless the node command line sets
   * `--[no-]allocation-site-pretenuring` itself. After a burst of concurrent requests V8 may start
   * allocating every span straight into the old generation, where it dies: much longer scavenges
   * and frequent mark-compacts from then on (bench server, AlwaysOn: p99 at one connection about
   * halved with it off, same throughput; docs/performance.md).
   * The flag is process-wide; objects that really live long get copied once more on their way to
   * the old generation. `false` leaves V8 as it is. Env `ACME_OTEL_GC_TUNING`. @default true
   */
  gcTuning?: boolean;
  /**
   * Auto-instrumentation: `true` for the default set, `false` for none, or a list of names
   * (`'http'`, `'express'`, `'pg'`, ...) and/or Instrumentation objects. Instrumentation packages
   * are loaded lazily, when the module they patch is first loaded.
   * Env `OTEL_NODE_ENABLED_INSTRUMENTATIONS`, `OTEL_NODE_DISABLED_INSTRUMENTATIONS`. @default true
   */
  instrumentations?: boolean | (string | Instrumentation)[];
  /**
   * Also instrument modules loaded with `import` (ESM apps): registers the import-in-the-middle
   * loader hook. Only imports that happen after `initTracing` are seen, so call it from a file
   * preloaded with `node --import ./tracing.mjs app.mjs` (or use `--import @acme/otel/register`).
   * @default false
   * @example
   * // tracing.mjs, run as: node --import ./tracing.mjs server.mjs
   * import { initTracing } from '@acme/otel';
   * export const tracing = initTracing({ serviceName: 'order-service', esm: true });
   */
  esm?: boolean;
  /** Internal log level. Env `OTEL_LOG_LEVEL`. @default 'info' */
  logLevel?: LogLevel;
  /** Flush and shut down on SIGTERM/SIGINT/SIGHUP/SIGUSR2/SIGQUIT (and the other signals whose default ends the process)/beforeExit. Env `ACME_OTEL_HANDLE_SIGNALS`. @default true */
  handleSignals?: boolean;
  /** Upper bound for `shutdown()` and the signal flush, ms. Env `ACME_OTEL_SHUTDOWN_TIMEOUT`. @default 5000 */
  shutdownTimeoutMillis?: number;
}

/** Per-export-pipeline counters, on the handle. */
export interface ExportStats {
  /** Spans handed to the exporter and acknowledged. */
  exported: number;
  /** Spans dropped before export because the queue was full. */
  dropped: number;
  /** Spans whose export failed after every retry. */
  failed: number;
  /**
   * Spans the collector answered for with `partial_success`: received, but rejected (its
   * `rejected_spans`). Not counted in `exported`.
   */
  rejected: number;
  /** Export attempts that were retried. */
  retries: number;
  /** Spans sent with attribute values cut because they did not fit `maxExportRequestBytes` whole. */
  truncated: number;
}

/** A file named by an environment variable: which variable, and the path it gave. */
export interface EnvFile {
  readonly variable: string;
  readonly path: string;
}

/** The resolved, frozen configuration. Secrets are kept here; use `describeConfig()` for display. */
export interface ResolvedConfig {
  readonly disabled: boolean;
  readonly serviceName: string | undefined;
  readonly serviceVersion: string | undefined;
  readonly environment: string | undefined;
  readonly resourceAttributes: Readonly<Attributes>;
  readonly resourceDetectors: readonly DetectorName[];
  readonly sampler: SamplerName | Sampler;
  readonly sampleRatio: number;
  readonly propagators: readonly (PropagatorName | TextMapPropagator)[];
  readonly exporters: readonly ExporterName[] | SpanExporter;
  readonly endpoint: string;
  readonly protocol: OtlpProtocol;
  readonly headers: Readonly<Record<string, string>>;
  readonly exportTimeoutMillis: number;
  readonly compression: 'gzip' | 'none';
  /**
   * PEM files for an `https:` OTLP/gRPC endpoint, from `OTEL_EXPORTER_OTLP_[TRACES_]CERTIFICATE`,
   * `_CLIENT_KEY` and `_CLIENT_CERTIFICATE` (the OTLP/HTTP exporter reads the same variables itself).
   */
  readonly tlsFiles: Readonly<{ certificate?: EnvFile; clientKey?: EnvFile; clientCertificate?: EnvFile }>;
  /**
   * The proxy variable in effect for gRPC (`grpc_proxy`, else `https_proxy`, else `http_proxy`, as
   * grpc-js reads them), or undefined. When one is set, OTLP/gRPC goes through grpc-js, which can
   * tunnel through an HTTP CONNECT proxy.
   */
  readonly grpcProxyVariable: string | undefined;
  /**
   * An upper-case proxy variable (`HTTPS_PROXY`, `HTTP_PROXY`, `GRPC_PROXY`) that applies to the
   * endpoint while no lower-case one is set: neither exporter goes through it (grpc-js reads the
   * lower-case names only), so loss lines say so.
   */
  readonly unusedProxyVariable: string | undefined;
  readonly batch: Readonly<Required<BatchOptions>>;
  readonly spanLimits: Readonly<Required<SpanLimitOptions>>;
  readonly maxExportRequestBytes: number;
  readonly spanProcessors: readonly SpanProcessor[];
  readonly redaction: Readonly<RedactionOptions> | false;
  readonly ignoreIncomingPaths: readonly (string | RegExp)[];
  readonly httpServerFastPath: boolean;
  readonly gcTuning: boolean;
  /** Names of the instrumentations to enable, plus user-supplied Instrumentation objects. */
  readonly instrumentations: {
    readonly names: readonly string[];
    readonly custom: readonly Instrumentation[];
  };
  readonly esm: boolean;
  /**
   * Whether `NODE_OPTIONS` preloads ES modules or loaders (`--import`, `--loader`,
   * `--experimental-loader`), which run after `--require` preloads: the early-load check then
   * does not blame a missing ESM loader hook. Process introspection, read once here like the rest.
   */
  readonly nodeOptionsLoadsEsm: boolean;
  /**
   * `ACME_OTEL_WORKER_THREADS=true`: the register entry traces worker threads, so the main thread
   * shares what they read as they start (the learned request limit, exit/learned-limit.ts) at once.
   */
  readonly tracesWorkerThreads: boolean;
  readonly logLevel: LogLevel;
  readonly handleSignals: boolean;
  readonly shutdownTimeoutMillis: number;
}

/**
 * The effective configuration as plain data, for display and logs (`tracing.config`,
 * `describeConfig()`): header values and URL credentials shown as `[REDACTED]`, objects (custom
 * sampler, propagators, exporter, instrumentations) by name.
 */
export interface EffectiveConfig {
  readonly disabled: boolean;
  readonly serviceName: string | undefined;
  readonly serviceVersion: string | undefined;
  readonly environment: string | undefined;
  readonly resourceAttributes: Readonly<Attributes>;
  readonly resourceDetectors: readonly DetectorName[];
  /** A {@link SamplerName}, or a custom sampler's `toString()`. */
  readonly sampler: string;
  readonly sampleRatio: number;
  /** {@link PropagatorName}s, and a custom propagator's class name. */
  readonly propagators: readonly string[];
  /** `['custom']` for an exporter object. */
  readonly exporters: readonly (ExporterName | 'custom')[];
  /** Credentials in the URL shown as `REDACTED`. */
  readonly endpoint: string;
  readonly protocol: OtlpProtocol;
  /** Every header value shown as `[REDACTED]`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly exportTimeoutMillis: number;
  readonly compression: 'gzip' | 'none';
  readonly batch: Readonly<Required<BatchOptions>>;
  readonly spanLimits: Readonly<Required<SpanLimitOptions>>;
  /** Largest export request, in bytes (`maxExportRequestBytes`). */
  readonly maxExportRequestBytes: number;
  readonly redaction: false | { readonly dbStatement: DbStatementMode | undefined };
  /** Strings as given; regular expressions as their source (`/^\/internal/`). */
  readonly ignoreIncomingPaths: readonly string[];
  /** Instrumentation names, custom ones by `instrumentationName`. */
  readonly instrumentations: readonly string[];
  readonly esm: boolean;
  readonly logLevel: LogLevel;
  readonly handleSignals: boolean;
  readonly gcTuning: boolean;
  readonly shutdownTimeoutMillis: number;
}

/** What {@link initTracing} returns. */
export interface TracingHandle {
  /** A tracer named after the service. */
  readonly tracer: Tracer;
  /** The effective configuration, secrets shown as `[REDACTED]`. */
  readonly config: EffectiveConfig;
  /** Get a tracer for a library or module. */
  getTracer(name: string, version?: string): Tracer;
  /** Export every finished span now. Never rejects; resolves when done or timed out. */
  forceFlush(): Promise<void>;
  /** Flush and shut down; idempotent (same promise every call) and time-boxed. Never rejects. */
  shutdown(): Promise<void>;
  /** Export counters: exported, dropped, failed, rejected, retried, truncated. */
  stats(): ExportStats;
}
