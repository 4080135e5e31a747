// This is called for `node --import @acme/otel/register app.mjs` (ESM: dist/register-esm.js).
// One flag does both jobs ESM applications need: register the import-in-the-middle loader hook so
// `import express from 'express'` and `import http from 'node:http'` are instrumented like
// require() is, and start tracing from the environment, when the application first needs it
// (src/sdk/register-deferred.ts).
import { registerFromEnv } from './sdk/register-deferred.js';

registerFromEnv('--import', import.meta.url);
