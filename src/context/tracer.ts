import type { Tracer, TracerProvider } from '@opentelemetry/api';
import { trace } from '@opentelemetry/api';

/** Instrumentation scope of spans started by the helpers when no `tracer` option is given. */
export const HELPER_TRACER_NAME = '@acme/otel';

let cachedFor: TracerProvider | undefined;
let cachedTracer: Tracer | undefined;

/**
 * The helpers' default tracer, cached per registered provider.
 *
 * `trace.getTracer()` builds a cache key string on every call; `withSpan` sits on hot paths, so the
 * tracer is looked up once per provider. The global provider is a proxy whose delegate changes
 * when a provider is (re-)registered, so the delegate is the cache key, not the proxy.
 */
export function defaultTracer(): Tracer {
  const global = trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
  const provider = typeof global.getDelegate === 'function' ? global.getDelegate() : global;
  if (provider !== cachedFor || cachedTracer === undefined) {
    cachedTracer = global.getTracer(HELPER_TRACER_NAME);
    cachedFor = provider;
  }
  return cachedTracer;
}
