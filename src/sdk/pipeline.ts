import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OpenSpanTracker } from '../exit/open-spans.js';
import {
  AcmeBatchSpanProcessor,
  CountingExporter,
  createExporters,
  createExportStats,
  createOversizeReport,
  DropReporter,
  type DropReporterOptions,
  EncodedSpanQueue,
  type EncodedSpans,
  type ExportCounters,
  FlushingSimpleSpanProcessor,
  type RequestSizeLimit,
  splitBySize,
  UnencodableSpanError,
} from '../export/index.js';
import type { ResolvedConfig } from '../types.js';
import { GcTuningProcessor } from './gc-tuning.js';
import { guardProcessor } from './guarded-processor.js';
import { shapingProcessors } from './shaping.js';

export interface Pipeline {
  /** In order: random-flag, value-length limit, redaction, the user's processors, then one per exporter. */
  readonly processors: SpanProcessor[];
  /** Counters shared by every exporter's processor and the retrying exporter (`tracing.stats()`). */
  readonly stats: ExportCounters;
  /** Rate-limited drop/failure warnings; `shutdown()` prints the final summary. */
  readonly reporter: DropReporter;
  /** What the exit path needs (src/exit): open spans, and the batch processors to empty at exit. */
  readonly exit: ExitParts;
}

export interface ExitParts {
  readonly tracker: OpenSpanTracker;
  /** In front of our OTLP exporters (encoded queues); the first also takes worker threads' spans (src/exit/thread-inbox.ts). */
  readonly otlp: AcmeBatchSpanProcessor[];
  /** In front of custom exporters. */
  readonly others: AcmeBatchSpanProcessor[];
  /** The OTLP exporter's request limit (lowered to the collector's stated one): exit requests are cut to it. */
  sizeLimit?: RequestSizeLimit;
}

/** The span processors and export path for a resolved config. */
export function createPipeline(config: ResolvedConfig, gcTuning = false): Pipeline {
  const stats = createExportStats();
  // The collector is named in loss lines only when spans go to one (not with a custom exporter).
  const otlp = Array.isArray(config.exporters) && (config.exporters as string[]).includes('otlp');
  const reporter = new DropReporter(stats, otlp ? reporterOptions(config) : {});
  const exporters = createExporters(
    config,
    (error) => {
      stats.retries++;
      reporter.noteError(error);
    },
    reporter,
  );
  const exit: ExitParts = { tracker: new OpenSpanTracker(), otlp: [], others: [] };
  const processors = shapingProcessors(
    config,
    gcTuning ? [exit.tracker, new GcTuningProcessor()] : [exit.tracker],
  );
  processors.push(...config.spanProcessors.map(guardProcessor));
  for (const plan of exporters) {
    processors.push(
      plan.batched
        ? new AcmeBatchSpanProcessor(plan.exporter, {
            ...config.batch,
            stats,
            shutdownTimeoutMillis: innerShutdownTimeout(config.shutdownTimeoutMillis),
            // A custom exporter's losses are reported too, as they happen (its failures and a
            // full queue were only counted, and summed up at shutdown).
            reporter,
            // Encoded as they end: a request is a concatenation, so one request per batch.
            ...(plan.encoded
              ? {
                  createQueue: (capacity: number) => {
                    const queue = new EncodedSpanQueue(
                      capacity,
                      (span, error) => {
                        stats.failed++;
                        reporter.recordFailure(1, new UnencodableSpanError(span.name, error));
                      },
                      {
                        maxRequestBytes: config.maxExportRequestBytes,
                        onOversized: createOversizeReport(stats, reporter),
                      },
                      config.batch.maxQueueBytes,
                    );
                    // The limit learned from the collector, once lower (and back up when it expires
                    // and a larger request is accepted): spans truncated to fit it as they end.
                    plan.sizeLimit?.onChange((bytes) => queue.setRequestBytes(bytes));
                    return queue;
                  },
                  maxSpansPerRequest: config.batch.maxExportBatchSize,
                  splitBatch: (batch) =>
                    splitBySize(batch as EncodedSpans, plan.sizeLimit?.bytes ?? config.maxExportRequestBytes),
                }
              : {}),
          })
        : new FlushingSimpleSpanProcessor(new CountingExporter(plan.exporter, stats)),
    );
    const added = processors[processors.length - 1];
    if (added instanceof AcmeBatchSpanProcessor) (plan.encoded ? exit.otlp : exit.others).push(added);
    if (plan.sizeLimit) exit.sizeLimit ??= plan.sizeLimit;
  }
  return { processors, stats, reporter, exit };
}

/**
 * The batch processors' shutdown bound, strictly inside `shutdown()`'s own time box
 * (sdk.ts, same `shutdownTimeoutMillis`): at its deadline a processor counts and reports what it
 * could not deliver. With equal deadlines the outer box sometimes fired first and the process
 * exited before that report ("failed to export N spans ..." missing in test/integration/shutdown.test.ts, about
 * one run in ten on a loaded machine). 10 % of the bound, between 50 and 250 ms, is left for it.
 */
export function innerShutdownTimeout(outerMillis: number): number {
  const margin = Math.min(250, Math.max(50, outerMillis / 10));
  return Math.max(1, outerMillis - margin);
}

/**
 * The collector named in loss lines; over OTLP/HTTP with `https_proxy`/`http_proxy` applying to
 * it, that the proxy is not used (nor by upstream's OTLP/HTTP exporter): a collector reachable only
 * through it was "unreachable" with no word of the proxy.
 */
export function reporterOptions(config: ResolvedConfig): DropReporterOptions {
  const proxy = config.grpcProxyVariable;
  const unused = config.unusedProxyVariable;
  if (unused !== undefined)
    return {
      endpoint: config.endpoint,
      unreachableNote: `${unused} is set, but no OTLP export goes through it: OTLP/HTTP connects to the collector directly, and OTLP/gRPC (grpc-js) reads only the lower-case ${unused.toLowerCase()}`,
    };
  if (config.protocol !== 'http/protobuf' || (proxy !== 'https_proxy' && proxy !== 'http_proxy'))
    return { endpoint: config.endpoint };
  return {
    endpoint: config.endpoint,
    unreachableNote: `${proxy} is set, but OTLP/HTTP does not go through a proxy: it connects to the collector directly (OTLP/gRPC uses it)`,
  };
}
