import type { Instrumentation } from '@opentelemetry/instrumentation';
import { pinoBindingsFilter } from '../log-correlation/pino.js';
import type { CatalogueEntry } from './catalogue.js';
import { requireInstrumentationPackage } from './hooks.js';
import { type InstrumentationContext, instrumentationConfig } from './settings.js';
import { filterPinoMixin } from './upstream-internals.js';

type InstrumentationClass = new (config: Record<string, unknown>) => Instrumentation;

/**
 * Load an instrumentation package and construct it with our config. Like upstream, the
 * constructor enables it, which registers its module hooks.
 */
export function createInstrumentation(entry: CatalogueEntry, ctx: InstrumentationContext): Instrumentation {
  const exports = requireInstrumentationPackage(entry) as Record<string, unknown>;
  const Class = exports[entry.className];
  if (typeof Class !== 'function') throw new Error(`${entry.pkg} does not export ${entry.className}`);
  const config = instrumentationConfig(entry.name, ctx);
  const instrumentation = new (Class as InstrumentationClass)(config);
  // A child logger's bound trace_id and the instrumentation's were both written (pinoMixin does
  // the same for loggers that use it).
  if (entry.name === 'pino') filterPinoMixin(instrumentation, pinoBindingsFilter());
  return instrumentation;
}
