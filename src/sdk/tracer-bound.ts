import type { TracerProvider } from '@opentelemetry/api';
import { log } from '../diag/index.js';

/** Distinct tracers (name, version, schema URL) a process gets before they share one. */
export const MAX_TRACERS = 1024;
/** The tracer the rest share: its name says why a span has it. */
export const OVERFLOW_TRACER_NAME = '@acme/otel/too-many-tracers';

/**
 * Bounds the tracers `provider` makes. The SDK keeps every tracer it ever made, by name, version
 * and schema URL, for the process's life (~480 bytes each): code that names a tracer per request
 * or per object (`trace.getTracer(req.url)`) grew the heap by ~95 MB per 200,000 names. Past
 * `max` distinct ones, a new one gets the shared {@link OVERFLOW_TRACER_NAME} tracer instead, said
 * once. Tracers already handed out keep working.
 */
export function boundTracers(provider: TracerProvider, max = MAX_TRACERS): void {
  const getTracer = provider.getTracer.bind(provider);
  const seen = new Set<string>();
  let warned = false;
  provider.getTracer = (fullName, fullVersion, options) => {
    const name = cutName(fullName, 'name');
    const version = fullVersion === undefined ? undefined : cutName(fullVersion, 'version');
    const key = `${name}@${version ?? ''}:${options?.schemaUrl ?? ''}`;
    if (seen.has(key)) return getTracer(name, version, options);
    if (seen.size < max) {
      seen.add(key);
      return getTracer(name, version, options);
    }
    if (!warned) {
      warned = true;
      log.warn(
        `more than ${max} tracers were asked for (the first refused: "${String(name).slice(0, 200)}"); the SDK keeps each one for the process's life, so the rest share the tracer "${OVERFLOW_TRACER_NAME}". Name a tracer after the library or module that uses it, not per request or per object`,
      );
    }
    return getTracer(OVERFLOW_TRACER_NAME);
  };
}

/**
 * The longest tracer name or version kept. They go out with every export request as the span's
 * scope, where nothing bounded them: a tracer named with a 5 MB string made every request of its
 * spans too large for the collector, each blamed on the span. Package names, the intended names,
 * are far shorter.
 */
export const MAX_TRACER_NAME_LENGTH = 1024;

function cutName(value: string, what: 'name' | 'version'): string {
  const text = String(value);
  if (text.length <= MAX_TRACER_NAME_LENGTH) return text;
  log.warnOnce(
    `tracer-${what}-length`,
    `a tracer ${what} of ${text.length} characters was cut to ${MAX_TRACER_NAME_LENGTH} (it goes with every export request as its spans' scope): "${text.slice(0, 80)}…"`,
  );
  return text.slice(0, MAX_TRACER_NAME_LENGTH);
}
