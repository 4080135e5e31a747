import Module from 'node:module';

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
 * require instead. A require concerns a package when it names it (`pg`, `node:http`,
 * `@redis/client/x`) or is made from inside it (the relative requires of a CommonJS package
 * whose entry point was imported from ESM).
 *
 * Returns a function that removes the gate without firing.
 */
export function gateRequire(packages: ReadonlySet<string>, fire: (id: string) => void): () => void {
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
    if (open && concerns(packages, id, (this as { filename?: unknown } | undefined)?.filename)) {
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
    if (open && typeof id === 'string' && packages.has(id.startsWith('node:') ? id.slice(5) : id)) {
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

function concerns(packages: ReadonlySet<string>, id: unknown, parent: unknown): boolean {
  if (typeof id !== 'string' || id === '') return false;
  const first = id.charCodeAt(0);
  // '.' or '/': relative or absolute; judge by who is asking.
  if (first === 46 || first === 47)
    return typeof parent === 'string' && packages.has(packageOf(parent) ?? '');
  const name = id.startsWith('node:') ? id.slice(5) : id;
  return packages.has(name) || packages.has(packageName(name));
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
