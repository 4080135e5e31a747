// Built on its own (tsup.config.ts, `api`) as dist/api/index.cjs: the @opentelemetry/api that our
// chunks and the bundled instrumentations import (the build points every `@opentelemetry/api`
// import there). Loaded when tracing starts, so decided once per process, before anything of ours
// uses the API. CommonJS, so that `require()` of it is the chosen module itself.
//
// The application's copy costs ~22 ms to load (47 CommonJS files; bench/README.md, "Where a
// service's start-up goes"), the same code bundled in one file ~3 ms. So where the application's
// copy is exactly the version we bundle and nothing has loaded it yet, the bundled one stands in
// for it: it goes into `require.cache` under the application's file (Node's documented way to
// provide a module), so every `require` or `import` of @opentelemetry/api that would have loaded
// that file, ours and the application's, gets the one module, as before (one ROOT_CONTEXT, one
// ProxyTracerProvider class). Otherwise (another version, already loaded, or we were bundled into
// the application, whose bundler resolved the require below) it is the application's module.
const { readFileSync } = require('node:fs') as typeof import('node:fs');
const path = require('node:path') as typeof import('node:path');

/** The bundled copy's version (the build defines it from the package it bundled). */
declare const ACME_BUNDLED_API_VERSION: string;

const API = '@opentelemetry/api';

/** The application's @opentelemetry/api: a literal require, which an application's bundler follows. */
function applicationsApi(): unknown {
  return require('@opentelemetry/api');
}

/** dist/api/copy.cjs (the API package bundled), as a plain object (its CommonJS form reads each name through two getters). */
function bundledCopy(): unknown {
  const copy = { ...(require('./copy.cjs') as object) };
  return Object.defineProperty(copy, '__esModule', { value: true });
}

/** The `version` of the package.json above the API's main file. */
function versionOf(main: string): string | undefined {
  let dir = path.dirname(main);
  for (let up = 0; up < 4; up++) {
    let pkg: { name?: unknown; version?: unknown } | undefined;
    try {
      pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as typeof pkg;
    } catch {
      // none here (or unreadable): look further up
    }
    if (pkg?.name === API) return typeof pkg.version === 'string' ? pkg.version : undefined;
    dir = path.dirname(dir);
  }
  return undefined;
}

/** The application's API module, the bundled copy standing in for it where it can (above). */
function selectApi(): unknown {
  try {
    const main = require.resolve(API);
    if (require.cache[main] === undefined && versionOf(main) === ACME_BUNDLED_API_VERSION) {
      require.cache[main] = { id: main, filename: main, loaded: true, exports: bundledCopy(), children: [], paths: [] } as never;
    }
  } catch {
    // Not resolvable from here at run time (bundled into an application, or not installed): the
    // require below says which.
  }
  // What the application's require gives now: the bundled copy where it stands in. (A loader with
  // a module registry of its own, as Jest's, ignores require.cache: then the package's files.)
  return applicationsApi();
}

module.exports = selectApi();
