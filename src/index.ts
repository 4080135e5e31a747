// Public API of @acme/otel. Named exports only: what is not listed here is internal.

export {
  DEFAULT_IGNORE_PATHS,
  DEFAULT_PROPAGATOR_NAMES,
  describeConfig,
  resolveConfig,
} from './config/index.js';
export type {
  BaggageValue,
  Carrier,
  DetachedOptions,
  ExtractedSpanOptions,
  GrpcMetadata,
  HeaderList,
  KeyedCollection,
  SerializedContext,
  WithSpanOptions,
} from './context/index.js';
export {
  BAGGAGE_LIMITS,
  bindContext,
  bindEmitter,
  deserializeContext,
  extractContext,
  getAllBaggage,
  getBaggage,
  injectContext,
  runDetached,
  runWithSerializedContext,
  serializeContext,
  setBaggage,
  traced,
  withBaggage,
  withExtractedContext,
  withSpan,
} from './context/index.js';
export { setLogLevel } from './diag/index.js';
export { isTracingConfigError, TracingConfigError } from './errors.js';
export type {
  CorrelatedConsole,
  CorrelatedConsoleOptions,
  DefaultTraceFields,
  TextLineOptions,
  TraceFieldKeys,
  TraceFieldsOptions,
  WinstonFormat,
  WinstonInfo,
} from './log-correlation/index.js';
export {
  correlatedConsole,
  formatTextLine,
  parseTextLine,
  pinoMergeStrategy,
  pinoMixin,
  pinoStreamWrite,
  traceFields,
  winstonFormat,
} from './log-correlation/index.js';
export type { B3Encoding, B3SamplingDecision, StrictB3PropagatorOptions } from './propagation/index.js';
export {
  B3_DEBUG_FLAG_KEY,
  createPropagator,
  DEFAULT_PROPAGATORS,
  GuardedJaegerPropagator,
  getB3SamplingDecision,
  MAX_BAGGAGE_BYTES,
  NoopPropagator,
  StrictB3Propagator,
  StrictBaggagePropagator,
  StrictCompositePropagator,
  StrictTraceContextPropagator,
  StrictTraceState,
} from './propagation/index.js';
export { getTracingHandle, initTracing } from './sdk/index.js';
export type {
  BatchOptions,
  DbStatementMode,
  DetectorName,
  EffectiveConfig,
  EnvFile,
  ExporterName,
  ExportStats,
  LogLevel,
  OtlpProtocol,
  PropagatorName,
  RedactionOptions,
  ResolvedConfig,
  SamplerName,
  SpanLimitOptions,
  TracingHandle,
  TracingOptions,
} from './types.js';
export type { OtlpSpanLike, WaterfallEvent, WaterfallOptions, WaterfallSpan } from './waterfall/index.js';
export { fromOtlpSpan, fromReadableSpan, renderWaterfall, WaterfallExporter } from './waterfall/index.js';
