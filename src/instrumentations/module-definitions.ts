import type {
  Instrumentation,
  InstrumentationBase,
  InstrumentationModuleDefinition,
} from '@opentelemetry/instrumentation';

/**
 * An instrumentation's module definitions, through InstrumentationBase's public (documented)
 * `getModuleDefinitions()`, which builds them anew (init()): their names and version ranges are
 * what can be read there, not the state of the ones it patches with. `undefined` when it cannot say.
 */
export function moduleDefinitions(
  instrumentation: Instrumentation,
): InstrumentationModuleDefinition[] | undefined {
  // Every instrumentation of the catalogue is an InstrumentationBase.
  const base = instrumentation as Partial<Pick<InstrumentationBase, 'getModuleDefinitions'>>;
  try {
    return base.getModuleDefinitions?.();
  } catch {
    return undefined;
  }
}
