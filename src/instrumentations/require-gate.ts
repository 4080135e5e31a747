import Module from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type RequireFn = (this: unknown, id: string) => unknown;
type GetBuiltin = (id: string) => unknown;

const proto = (Module as unknown as { prototype: { require: RequireFn } }).prototype;
const proc = process as unknown as { getBuiltinModule?: GetBuiltin };

/**
 * Call `fire` just before the first require() that concerns one of `packages`, then step aside.
 *
 * require-in-the-middle (with its `debug` dependency) and its per-require work (two resolutions
 * per call) are deferred until the application first touches something we instrument; a
 * process that never does, or the part of start-up before it does, pays a string check per
 * require instead. A require concerns a package when it can load a module of it ({@link landsIn}):
 * it names it (`pg`, `node:http`, `@redis/client/x`), or it is relative and lands inside it (the
 * relative requires of a CommonJS package whose entry point was imported from ESM).
 *
 * Returns a function that removes the gate without firing.
 */
export function gateRequire(modules: ReadonlySet<string>, fire: (id: string) => void): () => void {
  const packages = new Set([...modules].map(packageOfModuleName));
  const originalRequire = proto.require;
  const originalGetBuiltin = proc.getBuiltinModule;
  let open = true;

  const release = () => {
    open = false;
    // Someone may have wrapped require over us meanwhile; then we stay, as a pass-through.
    if (proto.require === gatedRequire) proto.require = originalRequire;
    if (originalGetBuiltin !== undefined && proc.getBuiltinModule === gatedGetBuiltin) {
      proc.getBuiltinModule = originalGetBuiltin;
    }
  };

  function gatedRequire(this: unknown, id: string): unknown {
    const from = (this as { filename?: unknown } | undefined)?.filename;
    if (open && typeof id === 'string' && id !== '' && landsIn(packages, id, from)) {
      release();
      fire(id);
      // Go through whatever `fire` installed (require-in-the-middle) for this very call.
      // biome-ignore lint/complexity/noArguments: forward the call unchanged
      return proto.require.apply(this, arguments as unknown as [string]);
    }
    // biome-ignore lint/complexity/noArguments: forward the call unchanged
    return originalRequire.apply(this, arguments as unknown as [string]);
  }

  function gatedGetBuiltin(this: unknown, id: string): unknown {
    const get = originalGetBuiltin as GetBuiltin;
    if (open && typeof id === 'string' && id !== '' && landsIn(packages, id, undefined)) {
      release();
      fire(id);
      return (proc.getBuiltinModule ?? get).call(this, id);
    }
    return get.call(this, id);
  }

  proto.require = gatedRequire;
  if (originalGetBuiltin !== undefined) proc.getBuiltinModule = gatedGetBuiltin;
  return () => {
    if (open) release();
  };
}

/**
 * Whether `require(id)` from the file `parent` can load a module of one of `packages` (package
 * names), as require-in-the-middle would name it: the last `node_modules/<name>` of the resolved
 * path, or a built-in's name (`fs/promises` is `fs`). Decided from the specifier and the path
 * alone, without the file system; what cannot be decided that way counts as landing in one.
 */
export function landsIn(packages: ReadonlySet<string>, id: unknown, parent: unknown): boolean {
  if (typeof id !== 'string' || id === '') return true;
  const first = id.charCodeAt(0);
  if (first === 46 /* . */) {
    // Relative: where it lands, by path alone (`../pg-pool/index.js` from inside pg is pg-pool).
    if (typeof parent !== 'string' || !isAbsolute(parent)) return true;
    return fileIn(packages, staysBeside(parent, id) ? parent : resolve(dirname(parent), id));
  }
  // `#name`: the requiring package's own import map, resolved inside that package.
  if (first === 35 /* # */) return typeof parent !== 'string' || fileIn(packages, parent);
  if (isAbsolute(id)) return fileIn(packages, id);
  return packages.has(packageName(id.startsWith('node:') ? id.slice(5) : id));
}

/**
 * Whether the relative `id` from the file `parent` lands in the same package as `parent` (or, like
 * it, in none), told without resolving the path: no `..` or `node_modules` in it, and `parent` in a
 * package's folder or outside node_modules. Most requires of a package's own files are such
 * (`./lib/client`): for the 333 requires of bench/fixtures/service-app.cjs, judged in a fresh
 * process, 2.4 ms with every relative one resolved, 1.0 ms with this.
 */
function staysBeside(parent: string, id: string): boolean {
  if (id.includes('..') || id.includes('node_modules') || id.includes('\\') || parent.includes('\\'))
    return false;
  const at = parent.lastIndexOf('/node_modules/');
  if (at === -1) return true;
  const rest = parent.slice(at + '/node_modules/'.length);
  // A file right in node_modules (`node_modules/x.js`, `node_modules/@scope/x.js`) is no package's.
  return rest.length > packageName(rest).length;
}

function fileIn(packages: ReadonlySet<string>, path: string): boolean {
  const name = packageOf(path);
  return name !== undefined && packages.has(name);
}

/**
 * The package of a module name an instrumentation registers or the catalogue triggers on, as
 * {@link landsIn} compares it: `node:fs/promises` → `fs`, `pg/lib/client.js` → `pg`.
 */
export function packageOfModuleName(name: string): string {
  return packageName(name.startsWith('node:') ? name.slice(5) : name.replaceAll('\\', '/'));
}

/** `@redis/client/dist/x` → `@redis/client`, `pg/lib` → `pg`. */
export function packageName(id: string): string {
  const slash = id.indexOf('/');
  if (slash === -1) return id;
  if (id.charCodeAt(0) !== 64 /* @ */) return id.slice(0, slash);
  const second = id.indexOf('/', slash + 1);
  return second === -1 ? id : id.slice(0, second);
}

/** `/app/node_modules/@redis/client/dist/index.js` → `@redis/client`. */
export function packageOf(path: string): string | undefined {
  const normalized = path.includes('\\') ? path.replaceAll('\\', '/') : path;
  const at = normalized.lastIndexOf('/node_modules/');
  if (at === -1) return undefined;
  return packageName(normalized.slice(at + '/node_modules/'.length));
}

/** `file:///app/node_modules/express/index.js` → `/app/node_modules/express`; undefined outside node_modules. */
export function packageDirOfUrl(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  let path: string;
  try {
    path = fileURLToPath(url).replaceAll('\\', '/');
  } catch {
    return undefined;
  }
  const pkg = packageOf(path);
  if (pkg === undefined) return undefined;
  return path.slice(0, path.lastIndexOf('/node_modules/') + '/node_modules/'.length + pkg.length);
}
