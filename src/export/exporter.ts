import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { log } from '../diag/index.js';
import type { ResolvedConfig } from '../types.js';
import { lazyRequire, onFirstListen } from '../util/index.js';
import { WaterfallExporter } from '../waterfall/index.js';
import { ConsoleSpanExporter } from './console-exporter.js';
import type { ExportObserver } from './drop-reporter.js';
import { grpcMetadata, grpcTransportOptions } from './otlp/grpc-options.js';
import { GrpcTransport } from './otlp/grpc-transport.js';
import { httpTransportOptions } from './otlp/http-options.js';
import { HttpTransport } from './otlp/http-transport.js';
import { buildTraceRequest } from './otlp/request.js';
import { decodePartialSuccess, type PartialSuccess } from './otlp/response.js';
import { OtlpSpanExporter, partialResult } from './otlp/span-exporter.js';
import { requireStep, runInIdleSteps } from './preload.js';
import { RequestSizeLimit } from './request-size-limit.js';
import { RetryingExporter } from './retrying-exporter.js';

/** An exporter and how its spans reach it: batched (network) or one by one (local printing). */
export interface ExporterPlan {
  readonly name: string;
  readonly exporter: SpanExporter;
  readonly batched: boolean;
  /** Takes the encoded batches of `EncodedSpanQueue` (our OTLP exporters) instead of span arrays. */
  readonly encoded?: boolean;
  /** The largest request (OTLP): `maxExportRequestBytes`, or less when the collector stated less. */
  readonly sizeLimit?: RequestSizeLimit;
}

/** The exporters for a resolved config; `none` gives an empty list. */
export function createExporters(
  config: ResolvedConfig,
  onRetry?: (error: unknown) => void,
  observer?: ExportObserver,
): ExporterPlan[] {
  const exporters = config.exporters;
  if (!Array.isArray(exporters)) {
    return [{ name: 'custom', exporter: exporters as SpanExporter, batched: true }];
  }
  const plans: ExporterPlan[] = [];
  for (const name of exporters as ResolvedConfig['exporters'] & string[]) {
    if (name === 'otlp') {
      const sizeLimit = new RequestSizeLimit(config.maxExportRequestBytes, config.endpoint);
      plans.push({
        name,
        exporter: createRetryingOtlp(config, sizeLimit, onRetry, observer),
        batched: true,
        encoded: true,
        sizeLimit,
      });
    } else if (name === 'console') plans.push({ name, exporter: new ConsoleSpanExporter(), batched: false });
    else if (name === 'waterfall') {
      plans.push({ name, exporter: new WaterfallExporter(), batched: false });
    }
  }
  return plans;
}

/**
 * Defers building the OTLP exporter until the first batch is exported (or `load()` ahead of it, in
 * an idle turn), so it is off the start-up path. Each call is reported to the observer (the drop
 * reporter), which is how a hung or refusing collector is named before any span is lost.
 */
export class LazyExporter implements SpanExporter {
  private inner: SpanExporter | undefined;
  private closed = false;
  /** Stops loading ahead (export/preload.ts) when this exporter is shut down first. */
  cancelPreload: (() => void) | undefined;

  constructor(
    private readonly factory: () => SpanExporter,
    private readonly observer?: ExportObserver,
  ) {}

  /** Builds the exporter now (no-op once built or shut down); throws what the factory throws. */
  load(): void {
    if (!this.closed) this.inner ??= this.factory();
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const settled = this.observer?.attemptStarted();
    const done = settled
      ? (result: ExportResult) => {
          settled(result);
          resultCallback(result);
        }
      : resultCallback;
    let inner: SpanExporter;
    try {
      inner = this.inner ??= this.factory();
    } catch (error) {
      done({ code: 1, error: error as Error });
      return;
    }
    inner.export(spans, done);
  }

  shutdown(): Promise<void> {
    this.closed = true;
    this.cancelPreload?.();
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
function createRetryingOtlp(
  config: ResolvedConfig,
  sizeLimit: RequestSizeLimit,
  onRetry?: (error: unknown) => void,
  observer?: ExportObserver,
): SpanExporter {
  const make = () => new LazyExporter(() => createOtlpExporter(config), observer);
  const first = make();
  const build = () => first.load();
  Object.defineProperty(build, 'name', { value: 'build the exporter' });
  if (CRYPTO_AT_STARTUP) lazyRequire('node:crypto');
  // One small step per idle turn from 50 ms after start-up; all that is left of them at once when
  // the application's server first listens, before it can accept a connection.
  const steps = runInIdleSteps([...preloadSteps(config), build]);
  const stopWaiting = onFirstListen(steps.runAll);
  first.cancelPreload = () => {
    steps.cancel();
    stopWaiting();
  };
  return new RetryingExporter(first, {
    deadlineMillis: config.batch.exportTimeoutMillis,
    recreate: make,
    sizeLimit,
    ...(onRetry ? { onRetry } : {}),
  });
}

/**
 * What the first export would load, in dependency order, one module per idle turn. The default
 * OTLP/gRPC path needs only built-ins (our transport and encoder are in the bundle). Upstream's
 * exporter packages (OTLP/HTTP, or gRPC through a proxy) load one package per step: still one
 * block each, but soon after start-up instead of inside live traffic.
 *
 * node:http2 also loads node:assert and node:fs/promises, which loads part of node:readline
 * (Node 20 to 26): each its own step, so the http2 step is only HTTP/2's own modules (4–10 ms of
 * CPU in one turn before, on a busy machine; docs/performance.md, 2026-12-03 "loop turns").
 */
const HTTP2_DEPENDENCIES = ['node:assert', 'node:readline', 'node:fs/promises'];

/**
 * node:crypto, which node:tls loads (so node:http2 and node:https do), is one require no step can
 * split, and its cost grew with Node: 2.9 ms on Node 20, 3.4 on 22, 5.0 on 24, 9.5–10.6 on 26
 * (quiet machine, 2026-12-03; most of it Node's own JavaScript listing algorithms at load). Where it
 * costs more than the 5 ms a piece of our work may take once traffic flows (issue #20), it is loaded
 * at start-up instead (a server's first listen() would take it anyway, onFirstListen, but an app
 * that never listens, a queue consumer, would meet it among its first messages). On Node 20 and
 * 22 an idle step takes it, so an app that never loads node:crypto itself does not pay for it in
 * start-up (issue #23). Express, pg and most services load it anyway, and then this costs nothing.
 */
const CRYPTO_AT_STARTUP = Number(process.versions.node.split('.')[0]) >= 24;
const UPSTREAM = ['@opentelemetry/otlp-exporter-base', '@opentelemetry/otlp-transformer'];

function preloadSteps(config: ResolvedConfig): (() => void)[] {
  // perf_hooks first: the spans' clock (core's otperformance, read lazily: tsup.config.ts).
  const builtins = ['node:perf_hooks', 'node:net', 'node:crypto', 'node:tls'];
  if (config.compression === 'gzip') builtins.push('node:zlib');
  // gcTuning loads node:v8 at the first span (gc-tuning.ts says why not at start-up).
  if (config.gcTuning) builtins.push('node:v8');
  if (config.protocol === 'http/protobuf')
    return [...builtins, new URL(config.endpoint).protocol === 'https:' ? 'node:https' : 'node:http'].map(
      requireStep,
    );
  if (config.grpcProxyVariable !== undefined)
    return [
      ...builtins,
      ...HTTP2_DEPENDENCIES,
      'node:http2',
      '@grpc/grpc-js',
      ...UPSTREAM,
      '@opentelemetry/otlp-grpc-exporter-base',
    ].map(requireStep);
  return [...builtins, ...HTTP2_DEPENDENCIES, 'node:http2'].map(requireStep);
}

/**
 * An OTLP exporter with our serializer: it takes the spans our OTLP queue encoded as they ended
 * (export/otlp), so exporting a batch is a concatenation, not an encode. OTLP/gRPC goes over our
 * node:http2 transport unless a proxy variable applies (then grpc-js, which tunnels through it);
 * OTLP/HTTP over our node:http transport (otlp/http-transport.ts says why not upstream's).
 */
function createOtlpExporter(config: ResolvedConfig): SpanExporter {
  const common = {
    url: config.endpoint,
    timeoutMillis: config.exportTimeoutMillis,
    ...(config.compression === 'gzip' ? { compression: 'gzip' as never } : { compression: 'none' as never }),
  };
  if (config.protocol === 'http/protobuf')
    return new OtlpSpanExporter(new HttpTransport(httpTransportOptions(config)), config.exportTimeoutMillis);
  if (config.grpcProxyVariable === undefined)
    return new OtlpSpanExporter(new GrpcTransport(grpcTransportOptions(config)), config.exportTimeoutMillis);
  const { OTLPExporterBase } = lazyRequire(
    '@opentelemetry/otlp-exporter-base',
  ) as typeof import('@opentelemetry/otlp-exporter-base');
  const { TraceExporterMetricsHelper } = lazyRequire(
    '@opentelemetry/otlp-transformer',
  ) as typeof import('@opentelemetry/otlp-transformer');
  // Our response reader in place of upstream's: it keeps the partial_success for the result
  // (upstream only logs it, one unthrottled line per call, and counts the spans as exported).
  // Upstream's delegate calls deserializeResponse and then the result callback in the same turn,
  // so the slot always belongs to the call whose callback runs next.
  const slot: { partial?: PartialSuccess | undefined } = {};
  const serializer = {
    serializeRequest: buildTraceRequest,
    deserializeResponse: (data: Uint8Array) => {
      try {
        slot.partial = decodePartialSuccess(data);
      } catch {
        // As upstream: an unreadable answer to an OK call is still a success.
        slot.partial = undefined;
      }
      return {};
    },
  };
  log.debug(`${config.grpcProxyVariable} is set: OTLP/gRPC goes through grpc-js, which honours it`);
  const { createOtlpGrpcExportDelegate, convertLegacyOtlpGrpcOptions } = lazyRequire(
    '@opentelemetry/otlp-grpc-exporter-base',
  ) as typeof import('@opentelemetry/otlp-grpc-exporter-base');
  const { Metadata } = lazyRequire('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
  const metadata = new Metadata();
  // Validated as for our transport: grpc-js throws on a value it cannot send, quoting the value
  // (the header's secret) in an error that every export then failed with, into our log lines.
  for (const [key, value] of Object.entries(grpcMetadata(config.headers))) metadata.set(key, value);
  const delegate = createOtlpGrpcExportDelegate(
    convertLegacyOtlpGrpcOptions({ ...common, metadata }, 'TRACES'),
    serializer,
    'otlp_grpc_span_exporter',
    TraceExporterMetricsHelper,
    undefined,
    'TraceExportService',
    '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  );
  return withPartialSuccess(new OTLPExporterBase(delegate) as unknown as SpanExporter, slot);
}

/** Turns the partial_success the serializer kept into the result upstream's delegate reports as plain SUCCESS. */
function withPartialSuccess(
  exporter: SpanExporter,
  slot: { partial?: PartialSuccess | undefined },
): SpanExporter {
  const exportSpans = exporter.export.bind(exporter);
  exporter.export = (spans, resultCallback) =>
    exportSpans(spans, (result) => {
      const partial = slot.partial;
      slot.partial = undefined;
      if (result.code !== 0 || partial === undefined) return resultCallback(result);
      resultCallback(partialResult(partial));
    });
  return exporter;
}
