// This is called for `node --require @acme/otel/register app.js` (CommonJS: dist/register.cjs).
// It reads the OTEL_* / ACME_OTEL_* variables before the application loads, and starts tracing
// when the application first needs it: its first require() of a module we instrument, first use
// of the OpenTelemetry API, first incoming request or fetch (src/sdk/deferred-start.ts). ESM
// applications use `node --import @acme/otel/register app.mjs`, which resolves to register-esm
// and also installs the ESM loader hook.
import { registerFromEnv } from './sdk/register-deferred.js';

registerFromEnv('--require');
