export type { CorrelatedConsole, CorrelatedConsoleOptions } from './console.js';
export { correlatedConsole } from './console.js';
export { pinoMergeStrategy, pinoMixin } from './pino.js';
export type { TextLineOptions } from './text.js';
export { formatTextLine, parseTextLine } from './text.js';
export type { DefaultTraceFields, TraceFieldKeys, TraceFieldsOptions } from './trace-fields.js';
export { traceFields } from './trace-fields.js';
export type { WinstonFormat, WinstonInfo } from './winston.js';
export { winstonFormat } from './winston.js';
