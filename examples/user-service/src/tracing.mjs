// Preloaded, not imported: `node --import ./src/tracing.mjs src/server.mjs`.
// ESM links an app's whole static import graph before any of it runs, so a tracing file imported
// first by server.mjs would still run after `import pg from 'pg'` had been resolved. Preloaded
// with --import it runs first, and `esm: true` registers the loader hook through which the
// auto-instrumentations patch express, pg, ioredis and winston as they are imported.
import { initTracing } from '@acme/otel';

/** Defaults everywhere else: W3C tracecontext + baggage (+ B3) propagation, parent-based always-on sampling. */
export const tracing = initTracing({ serviceName: 'user-service', serviceVersion: '1.0.0', esm: true });
