import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { log } from '../diag/index.js';
import type { CatalogueEntry } from './catalogue.js';
import { moduleDefinitions } from './module-definitions.js';
import { versionInRange } from './version-range.js';

interface Pending {
  readonly entry: CatalogueEntry;
  readonly name: string;
  readonly basedir: string;
  readonly ranges: readonly string[];
  /** Its files' own ranges: a file patched is the package traced (in part), so no line then. */
  readonly fileRanges: readonly string[];
  readonly includePrerelease: boolean;
}

const pending: Pending[] = [];
/** Each copy once: `<instrumentation>\0<package directory>`. */
const seen = new Set<string>();
let timer: NodeJS.Timeout | undefined;
/** After the first load: the check reads a package.json, kept off the require. */
const CHECK_DELAY_MS = 100;

/**
 * Says when an instrumented package's version is one its instrumentation leaves alone. Upstream
 * patches only the versions a definition lists (`supportedVersions`, semver ranges) and returns any
 * other untouched, saying nothing (a debug line at most): a service on a major the instrumentation
 * does not know yet (express 6, pg 9) ran untraced without a word. Called on a package's first
 * load; the check runs a little later, once for all (version-range.ts: semver's rules for the
 * ranges instrumentations write, without loading semver). Every copy is checked, required or
 * imported: a dependency's own copy of another major is as untraced as the application's.
 */
export function checkVersionLater(
  entry: CatalogueEntry,
  instrumentation: Instrumentation,
  name: string,
  basedir: string | undefined,
): void {
  if (basedir === undefined) return; // a built-in module: no version
  const key = `${entry.name}\0${basedir}`;
  if (seen.has(key)) return;
  seen.add(key);
  for (const definition of moduleDefinitions(instrumentation) ?? []) {
    if (definition.name !== name || !Array.isArray(definition.supportedVersions)) continue;
    if (definition.supportedVersions.includes('*')) continue;
    pending.push({
      entry,
      name,
      basedir,
      ranges: definition.supportedVersions,
      fileRanges: (definition.files ?? []).flatMap((f) => f.supportedVersions ?? []),
      includePrerelease: definition.includePrerelease === true,
    });
  }
  if (pending.length > 0 && timer === undefined) {
    timer = setTimeout(runChecks, CHECK_DELAY_MS);
    timer.unref();
  }
}

/** Runs the checks now (tests; the timer). */
export function runChecks(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  const due = pending.splice(0);
  if (due.length === 0) return;
  for (const { entry, name, basedir, ranges, fileRanges, includePrerelease } of due) {
    const version = versionAt(basedir);
    const all = [...ranges, ...fileRanges];
    if (all.includes('*')) continue;
    const verdicts =
      version === undefined ? [false] : all.map((r) => versionInRange(version, r, includePrerelease));
    // Said only when every range is known not to hold: a syntax we cannot read says nothing.
    if (!verdicts.every((v) => v === false)) continue;
    log.warnOnce(
      `unsupported-version:${entry.name}:${version}`,
      `${name}${version === undefined ? ' (its version could not be read)' : `@${version}`} is not traced: the ${entry.name} instrumentation (${entry.pkg}) patches ${ranges.join(' or ')} only, and leaves other versions alone`,
    );
  }
}

function versionAt(basedir: string): string | undefined {
  try {
    const version: unknown = JSON.parse(readFileSync(join(basedir, 'package.json'), 'utf8')).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}
