import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { CATALOGUE } from './catalogue.js';
import { packageDirOfUrl, packageOf } from './require-gate.js';

/** What could not be instrumented because it was loaded before tracing started. */
export interface EarlyLoads {
  /** Packages an enabled instrumentation patches that were already loaded, e.g. `express`. */
  readonly modules: readonly string[];
  /** The enabled instrumentations that patch them: they cannot take effect on those copies. */
  readonly instrumentations: readonly string[];
  /** The entry script when it is an ES module and no ESM loader hook is installed. */
  readonly esmEntry: string | undefined;
}

const cache = (Module as unknown as { _cache: Record<string, unknown> })._cache;

/**
 * Upstream warns "Module express has been loaded before @opentelemetry/instrumentation-express so it
 * might not work" when it constructs the instrumentation; the lazy loader never constructs it for a
 * module that is not loaded again, so that warning never came and the service silently had no
 * express spans. Patching happens on require/import, so a package already in the CommonJS cache
 * (required, or imported from ESM, before init) is out of reach. For ESM nothing lists the modules
 * already imported, but an ES module entry without a loader hook means none of its imports can be.
 *
 * One pass over require.cache: a few dozen entries when started with --require.
 */
export function findEarlyLoads(
  names: readonly string[],
  options: {
    readonly esmLoader: boolean;
    readonly skip?: (name: string) => boolean;
    /** `NODE_OPTIONS` preloads ES modules or loaders (resolved config: `nodeOptionsLoadsEsm`). */
    readonly nodeOptionsLoadsEsm?: boolean;
    /**
     * The URL of the ES import that started tracing (a deferred `--import` start), if one did: its
     * package is loaded by now when it is a CommonJS file that requires nothing we trigger on, yet
     * it is handed to the import hooks and patched like any later one.
     */
    readonly importing?: string | undefined;
  },
): EarlyLoads {
  const wanted = new Map<string, string[]>();
  for (const name of names) {
    const entry = CATALOGUE.get(name);
    if (entry === undefined || entry.trigger.kind !== 'module' || options.skip?.(name)) continue;
    for (const m of entry.trigger.modules) wanted.set(m, [...(wanted.get(m) ?? []), name]);
  }
  const modules = new Set<string>();
  const instrumentations = new Set<string>();
  if (wanted.size > 0) {
    const dir = options.importing === undefined ? undefined : packageDirOfUrl(options.importing);
    const importing = dir === undefined ? undefined : `${dir}/`;
    for (const [file, module] of Object.entries(cache)) {
      // Still loading: a deferred register start (src/sdk/deferred-start.ts) fired inside it.
      // The require hook saw no require() of it (an ES import's CommonJS graph, which the ES
      // module line below covers), so it is no earlier than it would have been.
      if ((module as { loaded?: boolean } | undefined)?.loaded === false) continue;
      if (importing !== undefined && file.replaceAll('\\', '/').startsWith(importing)) continue;
      const pkg = packageOf(file);
      const by = pkg === undefined ? undefined : wanted.get(pkg);
      if (by === undefined) continue;
      modules.add(pkg as string);
      for (const name of by) instrumentations.add(name);
    }
  }
  return {
    modules: [...modules].sort(),
    instrumentations: [...instrumentations],
    esmEntry:
      options.esmLoader || wanted.size === 0 || loaderFlagGiven(options.nodeOptionsLoadsEsm === true)
        ? undefined
        : esmEntryScript(),
  };
}

/** The warning for `early`, or undefined when everything loaded can still be instrumented. */
export function earlyLoadWarning(early: EarlyLoads): string | undefined {
  const { modules, esmEntry } = early;
  if (modules.length === 0 && esmEntry === undefined) return undefined;
  const parts: string[] = [];
  if (modules.length > 0) {
    const list = modules.join(', ');
    parts.push(
      `${list} ${modules.length > 1 ? 'were' : 'was'} loaded before tracing started, so ` +
        `${modules.length > 1 ? 'they are' : 'it is'} not traced`,
    );
  }
  if (esmEntry !== undefined) {
    parts.push(
      `${esmEntry} is an ES module and no ESM loader hook is installed, so the modules it imports are not instrumented`,
    );
  }
  const fix =
    esmEntry !== undefined || entryIsEsm()
      ? `start the app with \`node --import @acme/otel/register ${entryName() ?? 'app.mjs'}\``
      : `start the app with \`node --require @acme/otel/register ${entryName() ?? 'app.js'}\`, or call ` +
        `initTracing() before requiring ${modules.length > 1 ? 'them' : modules[0]}`;
  return `${parts.join('; ')}: ${fix}`;
}

/**
 * Whether the command line preloads ES modules or loaders, which run after `--require` preloads:
 * `--require` and `--import` @acme/otel/register together initialise here before the `--import`
 * one adds the loader hook. NODE_OPTIONS, where deployments often put these flags, is read once by
 * resolveConfig (`nodeOptionsLoadsEsm`) and passed in.
 */
function loaderFlagGiven(inNodeOptions: boolean): boolean {
  return inNodeOptions || process.execArgv.some((arg) => ESM_PRELOAD_FLAG.test(arg));
}

/** A Node flag that preloads ES modules or loaders; linear (a literal prefix, one alternation). */
export const ESM_PRELOAD_FLAG = /--(?:import|loader|experimental-loader)\b/;

function entryName(): string | undefined {
  const entry = process.argv[1];
  return entry === undefined || entry === '' ? undefined : entry.split(/[\\/]/).pop();
}

let entryEsm: boolean | undefined;
/** Whether the entry script (`process.argv[1]`) is an ES module, as Node decides it by extension and package type. */
function entryIsEsm(): boolean {
  entryEsm ??= isEsmScript(process.argv[1]);
  return entryEsm;
}

function isEsmScript(entry: string | undefined): boolean {
  // No script (node -e, a REPL), or a launcher inside node_modules (a test runner, a process
  // manager): not the application's own entry.
  if (entry === undefined || entry === '' || /[\\/]node_modules[\\/]/.test(entry)) return false;
  const ext = extname(entry);
  if (ext === '.mjs' || ext === '.mts') return true;
  if (ext !== '.js' && ext !== '.ts' && ext !== '') return false;
  return nearestPackageType(dirname(resolve(entry))) === 'module';
}

function esmEntryScript(): string | undefined {
  return entryIsEsm() ? entryName() : undefined;
}

function nearestPackageType(start: string): unknown {
  let dir = start;
  for (let depth = 0; depth < 32; depth++) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type?: unknown }).type;
    } catch {
      // No package.json here (or unreadable): Node looks further up too.
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}
