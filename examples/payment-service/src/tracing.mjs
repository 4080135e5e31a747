// Preloaded, not imported: `node --import ./src/tracing.mjs src/server.mjs`.
// ESM links an app's whole static import graph before any of it runs, so a tracing file imported
// first by server.mjs would still run after `import express from 'express'` had been resolved.
// Preloaded with --import it runs first, and `esm: true` registers the loader hook through which
// the auto-instrumentations patch express and node:http as they are imported.
import { initTracing } from '@acme/otel';

/**
 * A legacy, Zipkin-era neighbour: it reads and writes only B3 multi-header (X-B3-*) context, and
 * samples 10 % of the traces it starts itself. A caller's decision always wins (parent-based), so a
 * sampled order is traced here too and an unsampled one is not.
 * Same as OTEL_PROPAGATORS=b3multi OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=0.1.
 */
export const tracing = initTracing({
  serviceName: 'payment-service',
  serviceVersion: '1.0.0',
  propagators: ['b3multi'],
  sampler: 'parentbased_traceidratio',
  sampleRatio: 0.1,
  esm: true,
});
