export { fromOtlpSpan, fromReadableSpan, type OtlpSpanLike } from './adapters.js';
export { WaterfallExporter, type WaterfallExporterOptions, type WaterfallStream } from './exporter.js';
export { formatDuration, shouldColor } from './format.js';
export { DEFAULT_WATERFALL_ATTRIBUTES, renderWaterfall } from './render.js';
export type { WaterfallEvent, WaterfallOptions, WaterfallSpan } from './types.js';
