import { type Scrubbers, setScrubbers } from '../diag/log.js';
import type { RedactionOptions } from '../types.js';
import { createRedactor, type Redactor } from './redactor.js';
import { redactUrl } from './url.js';

// The span processor, the resource, the config summary and the log lines all scrub with the same
// rules; compiling them once per resolved `redaction` object (frozen by resolveConfig) keeps
// start-up from paying for it more than once.
const byOptions = new WeakMap<object, Redactor>();
let defaults: Redactor | undefined;

/**
 * The redactor for a resolved `redaction` option, built on first use. `false` (span redaction
 * turned off) still gets the default rules: it is for the places that are ours to keep clean
 * (log lines, the config summary).
 */
export function redactorFor(options: Readonly<RedactionOptions> | false | undefined): Redactor {
  if (options === false || options === undefined) {
    defaults ??= createRedactor();
    return defaults;
  }
  let redactor = byOptions.get(options);
  if (redactor === undefined) {
    redactor = createRedactor(options);
    byOptions.set(options, redactor);
  }
  return redactor;
}

/**
 * Our log lines' scrubbers: the same rules. The logger gets them from here once this module has
 * loaded (src/diag/log.ts does not import the scrubber, so that the register entries do not compile
 * it at start-up).
 */
export const scrubbers: Scrubbers = { textFor: (options) => redactorFor(options).text, url: redactUrl };
setScrubbers(scrubbers);
