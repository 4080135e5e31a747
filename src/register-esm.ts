// This is called for `node --import @acme/otel/register app.mjs` (ESM: dist/register-esm.js).
// One flag does both jobs ESM applications need: initialise tracing from the environment, and
// register the import-in-the-middle loader hook so `import express from 'express'` and
// `import http from 'node:http'` are instrumented like require() is.
import { startFromEnv } from './sdk/autostart.js';
import { installEsmLoaderHook, prepareEsmInstrumentation } from './sdk/esm-hooks.js';

// Before init, so enabling instrumentations also hooks ESM imports (or, when --require already
// initialised, so the import hook is added to that setup now).
prepareEsmInstrumentation();
startFromEnv('--import');
// After init, when the enabled instrumentations (and so the modules to hook) are known. Nothing
// enabled (OTEL_SDK_DISABLED, a skipped worker): no loader at all.
installEsmLoaderHook(import.meta.url);
