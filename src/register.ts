// This is called for `node --require @acme/otel/register app.js` (CommonJS: dist/register.cjs).
// It initialises tracing from OTEL_* / ACME_OTEL_* variables before the application loads, so
// every module the app requires afterwards can be instrumented. ESM applications use
// `node --import @acme/otel/register app.mjs`, which resolves to register-esm and also installs
// the ESM loader hook.
import { startFromEnv } from './sdk/autostart.js';

startFromEnv('--require');
