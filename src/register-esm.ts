// This is called for `node --import @acme/otel/register app.mjs` (ESM: dist/register-esm.js).
// One flag does both jobs ESM applications need: initialise tracing from the environment, and
// register the import-in-the-middle loader hook so `import express from 'express'` and
// `import http from 'node:http'` are instrumented like require() is.
import { register } from 'node:module';
import { startFromEnv } from './autostart.js';
import { log } from './diag.js';
import { getIitm } from './instrumentations/hooks.js';
import { activeEsmModules, useEsmLoader } from './instrumentations/index.js';

// Before init, so enabling instrumentations also hooks ESM imports (or, when --require already
// initialised, so the import hook is added to that setup now).
useEsmLoader();
startFromEnv('--import');

// Registered after init, with the modules the enabled instrumentations patch as the loader's
// `include` list, so every other import skips the wrapper. Hooks created later (an
// instrumentation loaded on first use, or one the app builds) add their modules through the
// message channel. Nothing enabled (OTEL_SDK_DISABLED, a skipped worker): no loader at all.
const modules = activeEsmModules();
if (modules.length > 0) {
  try {
    const { registerOptions } = getIitm().createAddHookMessageChannel();
    registerOptions.data.include = modules;
    // @opentelemetry/instrumentation re-exports import-in-the-middle's hook from the very copy
    // its instrumentations talk to.
    register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, registerOptions as never);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log.error(
      `--import @acme/otel/register could not install the ESM loader hook: ${reason}; ESM imports are not instrumented`,
    );
  }
}
