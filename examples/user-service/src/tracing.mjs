// Imported first by server.mjs: the auto-instrumentations hook `require`, so tracing must be set up
// before express, pg, ioredis and winston are loaded.
import { initTracing } from '@acme/otel';

/** Defaults everywhere else: W3C tracecontext + baggage (+ B3) propagation, parent-based always-on sampling. */
export const tracing = initTracing({ serviceName: 'user-service', serviceVersion: '1.0.0' });
