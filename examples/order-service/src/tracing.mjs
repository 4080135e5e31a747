// Preloaded, not imported: `node --import ./src/tracing.mjs src/server.mjs`.
// ESM links an app's whole static import graph before any of it runs, so a tracing file imported
// first by server.mjs would still run after `import express from 'express'` had been resolved.
// Preloaded with --import it runs first, and `esm: true` registers the loader hook through which
// the auto-instrumentations patch express, pino and node:http as they are imported.
import { initTracing } from '@acme/otel';
import { loadConfig } from './config.mjs';
import { injectOnly } from './inject-only.mjs';

/**
 * order-service calls a W3C neighbour (user-service) and a B3-only one (payment-service), so it
 * injects both formats on every outgoing request (this is also the library default). With
 * INCOMING_TRACE_CONTEXT=ignore it reads none of them from its callers (README: "Callers' trace
 * headers"). Everything else (endpoint, batch delay, ...) comes from the standard OTEL_* variables.
 * @type {import('@acme/otel').PropagatorName[]}
 */
const PROPAGATORS = ['tracecontext', 'baggage', 'b3multi'];

export const tracing = initTracing({
  serviceName: 'order-service',
  serviceVersion: '1.0.0',
  propagators: loadConfig().incomingTraceContext === 'ignore' ? [injectOnly(PROPAGATORS)] : PROPAGATORS,
  esm: true,
});
