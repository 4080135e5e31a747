import { initTracing } from '../../src/sdk/init.js';
import type { TracingOptions } from '../../src/types.js';

/**
 * initTracing on our OTLP path, as in production (spans encoded as they end), to a port nothing
 * listens on (9) and with nothing sent before the 5 s schedule: for tests that time or count what
 * `span.end()` does. Shut it down with resetTracing().
 */
export function tracingToNowhere(options: TracingOptions = {}, env: Record<string, string> = {}) {
  return initTracing(
    {
      serviceName: 'svc',
      endpoint: 'http://127.0.0.1:9',
      instrumentations: false,
      handleSignals: false,
      shutdownTimeoutMillis: 500,
      ...options,
    },
    { OTEL_NODE_RESOURCE_DETECTORS: 'none', ...env },
  );
}
