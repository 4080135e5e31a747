// Builds the export pipeline as the SDK wires it, on a real OTLP/gRPC exporter, for receiver tests.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { BasicTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  AcmeBatchSpanProcessor,
  type AcmeBatchSpanProcessorOptions,
} from '../../../src/export/batch-processor.js';
import { DropReporter } from '../../../src/export/drop-reporter.js';
import { RetryingExporter } from '../../../src/export/retrying-exporter.js';
import { createExportStats } from '../../../src/export/stats.js';

export interface PipelineOptions extends AcmeBatchSpanProcessorOptions {
  endpoint: string;
  /** Timeout of one OTLP request. @default 2000 */
  requestTimeoutMillis?: number;
  reportIntervalMillis?: number;
  first?: SpanProcessor[];
}

export function createPipeline(options: PipelineOptions) {
  const stats = createExportStats();
  const reporter = new DropReporter(stats, {
    endpoint: options.endpoint,
    intervalMillis: options.reportIntervalMillis ?? 60_000,
  });
  const createOtlp = () =>
    new OTLPTraceExporter({ url: options.endpoint, timeoutMillis: options.requestTimeoutMillis ?? 2000 });
  const exporter = new RetryingExporter(createOtlp(), {
    recreate: createOtlp,
    deadlineMillis: options.exportTimeoutMillis ?? 30_000,
    onRetry: (error) => {
      stats.retries++;
      reporter.noteError(error);
    },
  });
  const processor = new AcmeBatchSpanProcessor(exporter, { ...options, stats, reporter });
  const provider = new BasicTracerProvider({ spanProcessors: [...(options.first ?? []), processor] });
  return { stats, reporter, processor, provider, tracer: provider.getTracer('outage-test') };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
