import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { CatalogueEntry } from './catalogue.js';
import { requireInstrumentationPackage } from './hooks.js';
import { type UpstreamHttpUtils, withSamplerFirstServer } from './http-fast-path.js';
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
  // http: our own, leaner server side, with upstream's attributes (see http-fast-path.ts).
  const Ctor =
    entry.name === 'http' && Class === exports.HttpInstrumentation && ctx.httpServerFastPath !== false
      ? withSamplerFirstServer(Class as InstrumentationClass, upstreamHttpUtils(entry.pkg))
      : (Class as InstrumentationClass);
  return new Ctor(instrumentationConfig(entry.name, ctx));
}

/** Upstream's http helpers, from the same (pinned) package the instrumentation came from. */
function upstreamHttpUtils(pkg: string): UpstreamHttpUtils {
  const utils = requireInstrumentationPackage(`${pkg}/build/src/utils`) as Omit<
    UpstreamHttpUtils,
    'DEFAULT_QUERY_STRINGS_TO_REDACT'
  >;
  const types = requireInstrumentationPackage(`${pkg}/build/src/internal-types`) as Pick<
    UpstreamHttpUtils,
    'DEFAULT_QUERY_STRINGS_TO_REDACT'
  >;
  return {
    getIncomingRequestAttributes: utils.getIncomingRequestAttributes,
    setSpanWithError: utils.setSpanWithError,
    parseResponseStatus: utils.parseResponseStatus,
    DEFAULT_QUERY_STRINGS_TO_REDACT: types.DEFAULT_QUERY_STRINGS_TO_REDACT,
  };
}
