import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { CatalogueEntry } from './catalogue.js';
import { requireInstrumentationPackage } from './hooks.js';
import { type InstrumentationContext, instrumentationConfig } from './settings.js';

type InstrumentationClass = new (config: Record<string, unknown>) => Instrumentation;

/**
 * Load an instrumentation package and construct it with our config. Like upstream, the
 * constructor enables it, which registers its module hooks.
 */
export function createInstrumentation(entry: CatalogueEntry, ctx: InstrumentationContext): Instrumentation {
  const exports = requireInstrumentationPackage(entry) as Record<string, unknown>;
  const Class = exports[entry.className];
  if (typeof Class !== 'function') throw new Error(`${entry.pkg} does not export ${entry.className}`);
  return new (Class as InstrumentationClass)(instrumentationConfig(entry.name, ctx));
}
