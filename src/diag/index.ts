// diag/: the [@acme/otel] logger, env warnings, and the bridge for the SDK's own diag output.
export { warnEnv } from './env-warning.js';
export { log, setLogLevel } from './log.js';
export { LogLimiter } from './log-limiter.js';
export { setOtelDiag } from './otel-diag.js';
