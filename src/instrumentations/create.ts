import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { CatalogueEntry } from './catalogue.js';
import { requireInstrumentationPackage } from './hooks.js';
import { withSamplerFirstServer } from './http-fast-path.js';
import { type InstrumentationContext, instrumentationConfig } from './settings.js';

type InstrumentationClass = new (config: Record<string, unknown>) => Instrumentation;

/**
 * Load an instrumentation package and construct it with our config. Like upstream, the
 * constructor enables it, which registers its module hooks.
 */
export function createInstrumentation(entry: CatalogueEntry, ctx: InstrumentationContext): Instrumentation {
  const exports = requireInstrumentationPackage(entry.pkg) as Record<string, unknown>;
  const Class = exports[entry.className];
  if (typeof Class !== 'function') throw new Error(`${entry.pkg} does not export ${entry.className}`);
  // http: unsampled server requests skip upstream's attribute work (see http-fast-path.ts).
  const Ctor =
    entry.name === 'http' && Class === exports.HttpInstrumentation
      ? withSamplerFirstServer(Class as InstrumentationClass)
      : (Class as InstrumentationClass);
  return new Ctor(instrumentationConfig(entry.name, ctx));
}
