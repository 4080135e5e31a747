export { warnEnv } from './env-warning.js';
export { log, setLogLevel, setLogScrubber } from './log.js';
export { LogLimiter } from './log-limiter.js';
export { setOtelDiag } from './otel-diag.js';
