// Preloaded, not imported: `node --import ./src/tracing.mjs src/server.mjs`.
// ESM links an app's whole static import graph before any of it runs, so a tracing file imported
// first by server.mjs would still run after `import express from 'express'` had been resolved.
// Preloaded with --import it runs first, and `esm: true` registers the loader hook through which
// the auto-instrumentations patch express, pino and node:http as they are imported.
import { initTracing } from '@acme/otel';

/**
 * order-service calls a W3C neighbour (user-service) and a B3-only one (payment-service), so it
 * injects both formats on every outgoing request (this is also the library default).
 * Everything else (endpoint, batch delay, ...) comes from the standard OTEL_* variables.
 */
export const tracing = initTracing({
  serviceName: 'order-service',
  serviceVersion: '1.0.0',
  propagators: ['tracecontext', 'baggage', 'b3multi'],
  esm: true,
});
