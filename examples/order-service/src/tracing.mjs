// Imported first by server.mjs: the auto-instrumentations hook `require`, so tracing must be set up
// before express, http clients or loggers are loaded.
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
});
