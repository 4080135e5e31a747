import { context, propagation, trace } from '@opentelemetry/api';

/**
 * Unregister the global tracer provider, context manager and propagator, so the next test can
 * register its own (OpenTelemetry refuses a second registration otherwise).
 *
 * @example
 * import { beforeEach } from 'vitest';
 * import { resetTracing } from '@acme/otel/testing';
 *
 * beforeEach(() => resetTracing());
 */
export function resetTracing(): void {
  trace.disable();
  context.disable();
  propagation.disable();
}
