import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin, PluginBuild } from 'esbuild';
import { defineConfig, type Options } from 'tsup';
import { thirdPartyNotices } from './scripts/third-party-notices.js';
import { CATALOGUE } from './src/instrumentations/catalogue.js';

/** Hands each file matching `filter` to `rewrite`; `undefined` leaves the file to esbuild as it is. */
function rewriteSources(
  build: PluginBuild,
  filter: RegExp,
  rewrite: (source: string, file: string) => string | undefined,
): void {
  build.onLoad({ filter }, async (args) => {
    const contents = rewrite(await readFile(args.path, 'utf8'), args.path);
    return contents === undefined
      ? undefined
      : { contents, loader: 'js', resolveDir: path.dirname(args.path) };
  });
}

// The bundled @opentelemetry/resources imports `crypto` at module load for one detector we do not
// run by default; point it at src/util/lazy-crypto.ts, which loads node:crypto on first use.
const lazyCrypto: Plugin = {
  name: 'acme-lazy-crypto',
  setup(build) {
    build.onResolve({ filter: /^(node:)?crypto$/ }, (args) =>
      args.importer.includes(`${path.sep}@opentelemetry${path.sep}resources${path.sep}`)
        ? { path: path.resolve('src/util/lazy-crypto.ts') }
        : undefined,
    );
  },
};

// Bundled SDK code written as `import * as fs from 'fs'` becomes, in the CommonJS output, a copy of
// every property of the built-in module at load time. That runs Node's lazy properties: fs.promises
// everywhere, and on Node 22+ util's, which load worker_threads and set up process.stderr (the
// container detector's `import * as util`). A default import is the same object without the copy.
const BUILTIN = new Set(builtinModules);
const plainBuiltinImports: Plugin = {
  name: 'acme-plain-builtin-imports',
  setup(build) {
    rewriteSources(build, /[\\/]node_modules[\\/]@opentelemetry[\\/].*[\\/]esm[\\/].*\.js$/, (source, file) =>
      lazyPerformance(
        file,
        source.replace(
          /import \* as (\w+) from (['"])(node:)?([\w/]+)\2;/g,
          (whole, name: string, quote: string, prefix: string | undefined, id: string) =>
            BUILTIN.has(id) ? `import ${name} from ${quote}${prefix ?? ''}${id}${quote};` : whole,
        ),
      ),
    );
  },
};

// @opentelemetry/core's Node platform file reads the global `performance` when it loads
// (`export const otperformance = performance;`). On Node 20 that global is lazy: reading it loads
// perf_hooks and ten internal modules, ~2.2 ms of every `--require` start-up, for a clock the
// first span reads. Here it is read then: the SDK only calls `otperformance.now()` and
// `.timeOrigin`. The exporter's idle preload warms it (src/export/exporter.ts). A core release
// without that line fails the build instead of silently loading perf_hooks again.
const OTPERFORMANCE = 'export const otperformance = performance;';
function lazyPerformance(file: string, source: string): string {
  if (!file.split(path.sep).join('/').endsWith('/@opentelemetry/core/build/esm/platform/node/index.js'))
    return source;
  if (!source.includes(OTPERFORMANCE))
    throw new Error(`tsup.config.ts: ${file} no longer has "${OTPERFORMANCE}"; update lazyPerformance`);
  return source.replace(
    OTPERFORMANCE,
    [
      'let acmePerformance;',
      'export const otperformance = {',
      '  now() { return (acmePerformance ??= performance).now(); },',
      '  get timeOrigin() { return (acmePerformance ??= performance).timeOrigin; },',
      '};',
    ].join('\n'),
  );
}

// Every `@opentelemetry/api` import of ours, and every `require('@opentelemetry/api')` of the
// CommonJS packages bundled here (context-async-hooks), is the API this process's tracing uses:
// dist/api/index.cjs (src/api/select.cts, built by `api` below), imported as the named export of
// dist/api/named.cjs, which both Node's ES loader and the CommonJS form of our chunks read alike.
// An application's bundler follows the relative import to those files and, from them, the require
// of the application's copy; no `__require('@opentelemetry/api')` is left for it to trip on (a
// bundled service crashed on one at start-up, issue 21; bundlers.test.ts).
const fromHere = createRequire(import.meta.url);
const readJson = (file: string) =>
  JSON.parse(readFileSync(file, 'utf8')) as { name?: string; module?: string; version?: string };

const SELECTED_API = './api/named.cjs';
const API_NAMES = Object.keys(fromHere('@opentelemetry/api') as object).filter(
  (name) => name !== 'default' && name !== '__esModule',
);
const selectedApi: Plugin = {
  name: 'acme-selected-api',
  setup(build) {
    build.onResolve({ filter: /^@opentelemetry\/api$/ }, () => ({
      path: 'api',
      namespace: 'acme-selected-api',
    }));
    build.onResolve({ filter: /.*/, namespace: 'acme-selected-api' }, (args) => ({
      path: args.path,
      external: true,
    }));
    build.onLoad({ filter: /.*/, namespace: 'acme-selected-api' }, () => ({
      contents: `import { api } from '${SELECTED_API}';\nexport const { ${API_NAMES.join(', ')} } = api;\nexport default api.default;`,
      loader: 'js',
    }));
  },
};

const STARTUP_PACKAGES = [
  /^@opentelemetry\/core$/,
  /^@opentelemetry\/sdk-trace-base$/,
  /^@opentelemetry\/sdk-trace$/,
  /^@opentelemetry\/resources$/,
  /^@opentelemetry\/semantic-conventions$/,
  /^@opentelemetry\/context-async-hooks$/,
  /^@opentelemetry\/resource-detector-container$/,
];

// One copy of each bundled package, the top-level one, whichever package imports it. The
// dependencies are on the line instrumentation-http pins (core 2.12.0, 0.223.0), so that a service
// loads one @opentelemetry/core at run time; @opentelemetry/resources is 2.12.1 for its machine-id
// fix, and its own exact pin on core 2.12.1 (identical code) must not put a second core in here.
const SINGLE_COPY = new RegExp(STARTUP_PACKAGES.map((p) => p.source).join('|'));
const singleCopy: Plugin = {
  name: 'acme-single-copy',
  setup(build) {
    const root = path.resolve('.');
    build.onResolve({ filter: SINGLE_COPY }, (args) => {
      if (args.pluginData === 'acme-single-copy' || args.resolveDir === root) return undefined;
      return build.resolve(args.path, { kind: args.kind, resolveDir: root, pluginData: 'acme-single-copy' });
    });
  },
};

// The entries package.json exports: bundles and declarations.
const PUBLIC_ENTRIES = {
  index: 'src/index.ts',
  testing: 'src/testing/index.ts',
  // `--require @acme/otel/register` (register.cjs) and `--import @acme/otel/register` (register-esm.js).
  register: 'src/register.ts',
  'register-esm': 'src/register-esm.ts',
  // `@acme/otel/esbuild`: the esbuild plugin and webpack externals, for build scripts.
  esbuild: 'src/bundler/index.ts',
};

const main: Options = {
  entry: {
    ...PUBLIC_ENTRIES,
    // The rest of the register entries, loaded when the application first needs tracing.
    'register-start': 'src/register-start.ts',
    // The scrubber, for a log line written before tracing starts (src/diag/log.ts).
    'log-scrubber': 'src/log-scrubber.ts',
    // The exit path's sender thread (src/exit/sync-send.ts starts it by file name).
    'exit-sender': 'src/exit/sender-thread.ts',
  },
  format: ['esm', 'cjs'],
  // Declarations only for the public entries: the internal ones would split the public types
  // into a shared declaration chunk.
  dts: { entry: PUBLIC_ENTRIES },
  sourcemap: true,
  // dist/instrumentations/ and dist/api/ are the other builds' (below), which may finish first.
  clean: ['!instrumentations/**', '!api/**'],
  target: 'node20',
  platform: 'node',
  // import.meta.url (used by lazyRequire) works in the CommonJS output too.
  shims: true,
  splitting: true,
  treeshake: true,
  // Everything loaded lazily stays external, and the API is the selected one (selectedApi). The
  // SDK packages on the start-up path are bundled: Node pays per file it loads, and they are ~100
  // small files. (Not external to tsup, so that selectedApi sees the API's imports.)
  noExternal: [...STARTUP_PACKAGES, /^@opentelemetry\/api$/],
  esbuildPlugins: [selectedApi, singleCopy, lazyCrypto, plainBuiltinImports, thirdPartyNotices],
  // CommonJS output: the bundled @opentelemetry/resources loads its machine-id reader with
  // `import()`, which would start Node's ESM loader (~3 ms) in every `--require` start-up; as
  // `require()` it costs one file.
  esbuildOptions(options, { format }) {
    if (format === 'cjs') options.supported = { ...options.supported, 'dynamic-import': false };
  },
  // The bundled SDK packages are CommonJS and require() their externals (@opentelemetry/api);
  // give the ESM chunks a real `require` for that.
  banner: ({ format }) =>
    format === 'esm'
      ? {
          // `import.meta.url` is empty where an application bundled us into a CommonJS file.
          js: "import { createRequire as __acmeCreateRequire } from 'node:module'; const require = __acmeCreateRequire(import.meta.url ?? process.argv[1] ?? process.cwd() + '/');",
        }
      : {},
};

// `require('@opentelemetry/semantic-conventions')` in the CommonJS instrumentation packages (all
// of contrib's) would bundle the package's whole CommonJS build, ~200 KB with the deprecated
// constant maps, and build all of them at load. Each such file only reads named constants off it
// (`semantic_conventions_1.ATTR_…`), so that require becomes one of a module re-exporting just those
// names from the ES build, which the bundler tree-shakes to the strings. A file that uses the
// namespace any other way keeps the whole package (and the build says so).
const COMMONJS_OTEL_FILE = /[\\/]node_modules[\\/]@opentelemetry[\\/][^\\/]+[\\/]build[\\/]src[\\/].*\.js$/;
const SEMCONV_REQUIRE = /const (\w+) = require\("@opentelemetry\/semantic-conventions"\);/;
const semconvNames: Plugin = {
  name: 'acme-semconv-names',
  setup(build) {
    rewriteSources(build, COMMONJS_OTEL_FILE, (source, file) => {
      const declared = SEMCONV_REQUIRE.exec(source);
      if (declared === null) return undefined;
      const id = declared[1] as string;
      const uses = source.match(new RegExp(`\\b${id}\\b`, 'g'))?.length ?? 0;
      const names = [...source.matchAll(new RegExp(`\\b${id}\\.(\\w+)`, 'g'))].map((m) => m[1] as string);
      if (uses !== names.length + 1) {
        console.warn(`tsup.config.ts: ${file} uses ${id} other than by name; bundling all of it`);
        return undefined;
      }
      return source.replace(
        declared[0],
        `const ${id} = require("acme-semconv:${[...new Set(names)].sort().join(',')}");`,
      );
    });
    build.onResolve({ filter: /^acme-semconv:/ }, (args) => ({ path: args.path, namespace: 'acme-semconv' }));
    build.onLoad({ filter: /.*/, namespace: 'acme-semconv' }, (args) => ({
      contents: `export { ${args.path.slice('acme-semconv:'.length)} } from '@opentelemetry/semantic-conventions';`,
      resolveDir: path.resolve('.'),
      loader: 'js',
    }));
  },
};

// Every instrumentation of the catalogue, bundled: dist/instrumentations/<name>.cjs, loaded on first
// use (src/instrumentations/create.ts). One build, so the framework they share
// (@opentelemetry/instrumentation, require-in-the-middle), @opentelemetry/core and the
// semantic-conventions constants they read are one chunk each instead of ~70 files from
// node_modules (~35 ms of a service's start-up, bench/README.md). CommonJS only: the ESM build
// loads them with require() too, so that a process has one copy of the require hook whichever
// entry it came in by. `framework` is what our lazy loader needs before any instrumentation.
// Not bundled: the API (the one the process's tracing uses, dist/api/index.cjs: apiFromSelection
// below), import-in-the-middle (its ESM loader thread must talk to the copy the instrumentations
// hook through).

export const INSTRUMENTATION_ENTRIES: Record<string, string> = {
  framework: 'src/instrumentations/bundled-framework.ts',
  ...Object.fromEntries([...CATALOGUE.values()].map((entry) => [entry.name, packageEntry(entry.pkg)])),
};

/** The folder of an installed package: the first one above its main file whose package.json names it. */
function packageDir(pkg: string): string {
  const main = fromHere.resolve(pkg);
  let dir = path.dirname(main);
  while (
    !existsSync(path.join(dir, 'package.json')) ||
    readJson(path.join(dir, 'package.json')).name !== pkg
  ) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`tsup.config.ts: no package.json for ${pkg} above ${main}`);
    dir = up;
  }
  return dir;
}

/** A package's entry file (tsup takes files, not package names): its ES build where it has one. */
function packageEntry(pkg: string): string {
  const dir = packageDir(pkg);
  const { module } = readJson(path.join(dir, 'package.json'));
  return module === undefined ? fromHere.resolve(pkg) : path.join(dir, module);
}

// The bundled instrumentations import the API the process's tracing uses (dist/api/index.cjs).
const apiFromSelection: Plugin = {
  name: 'acme-api-from-selection',
  setup(build) {
    build.onResolve({ filter: /^@opentelemetry\/api$/ }, () => ({
      path: '../api/index.cjs',
      external: true,
    }));
  },
};

/**
 * The API's `esnext` build: its `module` build is compiled down to ES5 (rest parameters as
 * `arguments` copies, spreads through helpers), slower on the request path than the ES2017 code
 * of its CommonJS build, which the esnext one matches.
 */
function apiEsnextEntry(): string {
  const dir = packageDir('@opentelemetry/api');
  const { esnext } = readJson(path.join(dir, 'package.json')) as { esnext?: string };
  if (esnext === undefined)
    throw new Error('tsup.config.ts: @opentelemetry/api has no "esnext" build any more');
  return path.join(dir, esnext);
}

/** The version of the API package the build bundles (dist/api/copy.cjs). */
const bundledApiVersion = (): string =>
  readJson(path.join(packageDir('@opentelemetry/api'), 'package.json')).version as string;

/** The CommonJS-only builds into a folder of their own (below): files loaded by path. */
const commonJsFolder = {
  format: ['cjs'],
  dts: false,
  sourcemap: false,
  clean: true,
  target: 'node20',
  platform: 'node',
} satisfies Options;

const instrumentations: Options = {
  ...commonJsFolder,
  entry: INSTRUMENTATION_ENTRIES,
  outDir: 'dist/instrumentations',
  splitting: true,
  treeshake: true,
  external: [/^import-in-the-middle(\/|$)/],
  noExternal: [/^(?!import-in-the-middle(\/|$))/],
  esbuildPlugins: [apiFromSelection, semconvNames, singleCopy, plainBuiltinImports, thirdPartyNotices],
  esbuildOptions(options) {
    options.supported = { ...options.supported, 'dynamic-import': false };
  },
};

// dist/api/: which @opentelemetry/api this process's tracing uses (index.cjs, src/api/select.cts)
// and the copy that may stand in for the application's (copy.cjs: the API package bundled, ~3 ms
// to load against ~22 for its 47 files); named.cjs gives our ES chunks the selection as a named
// export. Its own build, without splitting, so that index.cjs's `require('@opentelemetry/api')`
// stays a literal an application's bundler follows.
const api: Options = {
  entry: {
    index: 'src/api/select.cts',
    named: 'src/api/named.cts',
    copy: apiEsnextEntry(),
  },
  ...commonJsFolder,
  outDir: 'dist/api',
  splitting: false,
  external: [/^@opentelemetry\/api$/],
  noExternal: [/^(?!@opentelemetry\/api$)/],
  esbuildPlugins: [
    {
      name: 'acme-api-files-by-path',
      setup: (build) =>
        build.onResolve({ filter: /^\.\/(copy|index)\.cjs$/ }, (args) => ({
          path: args.path,
          external: true,
        })),
    },
    plainBuiltinImports,
    thirdPartyNotices,
  ],
  esbuildOptions(options) {
    options.define = { ...options.define, ACME_BUNDLED_API_VERSION: JSON.stringify(bundledApiVersion()) };
  },
};

export default defineConfig([main, instrumentations, api]);
