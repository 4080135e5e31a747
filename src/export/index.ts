// export/: the only way to the exporters and span processors (exporter.ts assembles them).
export { AcmeBatchSpanProcessor } from './batch-processor.js';
export { CountingExporter } from './counting-exporter.js';
export { DropReporter } from './drop-reporter.js';
export { describeExportError, UnencodableSpanError } from './export-errors.js';
export { createExporters } from './exporter.js';
export { EncodedSpanQueue, EncodedSpans } from './otlp/encoded-queue.js';
export { grpcCodeName } from './otlp/grpc-status.js';
export { buildTraceRequest } from './otlp/request.js';
export { splitBySize } from './otlp/request-split.js';
export { createOversizeReport } from './oversize-report.js';
export { FlushingSimpleSpanProcessor } from './simple-processor.js';
export type { SpanStore } from './span-queue.js';
export type { ExportCounters } from './stats.js';
export { createExportStats } from './stats.js';
export { ExportTooLargeError } from './too-large.js';
export { createValueLengthLimit } from './value-length-limit.js';
export type { WorkPiece } from './work-timing.js';
export { timeWork, WORK_CHANNEL } from './work-timing.js';
