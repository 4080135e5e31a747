import Module from 'node:module';
import { isAbsolute } from 'node:path';
import { landsIn, packageOfModuleName } from './require-gate.js';

type RequireFn = (this: unknown, id: string) => unknown;
type GetBuiltin = (id: string) => unknown;

const proto = (Module as unknown as { prototype: { require: RequireFn } }).prototype;
const proc = process as unknown as { getBuiltinModule?: GetBuiltin };

// One per process, like the require hook it filters (the bundled framework is CommonJS, one copy
// for our ES and CommonJS builds alike).
const PACKAGES_KEY = Symbol.for('@acme/otel/require-filter');
const g = globalThis as { [PACKAGES_KEY]?: Set<string> };
g[PACKAGES_KEY] ??= new Set();
const packages: Set<string> = g[PACKAGES_KEY];
/** In the set: every require passes (no package name has a NUL in it). */
const EVERYTHING = '\0';

/**
 * Runs `install`, and if it put a new hook on `require()` (require-in-the-middle, which the
 * instrumentation framework's singleton installs as `new Hook(null, …)`: every require of the
 * process), sends around that hook every require that cannot load a file of a package in
 * {@link watchPackages}: straight to the `require()` it wrapped.
 *
 * For every require it sees, require-in-the-middle resolves the filename a second time, then
 * parses it, only to find that no instrumentation registered that module: ~23 ms of a service's
 * start-up that loads express and pg (their dependency trees), bench/README.md. Only a file of a
 * registered package can be patched, and which package a require lands in is known from its
 * specifier and the requiring file, without touching the file system. Only for the build's own
 * singleton, whose registrations are all the catalogue's (the lazy loader watches each), never
 * for a framework copy other instrumentations may share.
 */
export function filterNewRequireHook<T>(install: () => T): T {
  const before = proto.require;
  const getBefore = proc.getBuiltinModule;
  const result = install();
  const hooked = proto.require;
  if (hooked !== before) {
    proto.require = function filteredRequire(this: unknown, id: string): unknown {
      const parent = (this as { filename?: unknown } | undefined)?.filename;
      // biome-ignore lint/complexity/noArguments: forward the call unchanged
      return (mayLoadWatched(id, parent) ? hooked : before).apply(this, arguments as unknown as [string]);
    };
  }
  const getHooked = proc.getBuiltinModule;
  if (getHooked !== undefined && getBefore !== undefined && getHooked !== getBefore) {
    proc.getBuiltinModule = function filteredGetBuiltin(this: unknown, id: string): unknown {
      return (mayLoadWatched(id, undefined) ? getHooked : getBefore).call(this, id);
    };
  }
  return result;
}

/**
 * Module names an instrumentation registered (`pg`, `pg/lib/client.js`, `node:fs`): their packages
 * pass the filter. `undefined` (an instrumentation that cannot say what it hooks): every require
 * passes, from then on, as without the filter.
 */
export function watchPackages(names: Iterable<string> | undefined): void {
  if (names === undefined) {
    packages.add(EVERYTHING);
    return;
  }
  for (const name of names) {
    if (isAbsolute(name)) continue; // upstream gives those a hook of their own, not the singleton
    packages.add(packageOfModuleName(name));
  }
}

/** Whether `require(id)` from the file `parent` can load a module of a watched package ({@link landsIn}). */
export function mayLoadWatched(id: unknown, parent: unknown): boolean {
  return packages.has(EVERYTHING) || landsIn(packages, id, parent);
}
