import { lazyRequire } from '../util/index.js';

/**
 * The build ships every instrumentation of the catalogue bundled, with the framework they share
 * (tsup.config.ts): `dist/instrumentations/<name>.cjs`, found from our chunks in dist/ (lazyRequire
 * resolves from there). Loaded from there, a service's first `require('express')` costs one file
 * and the shared chunks, not ~90 files of node_modules (bench/README.md, start-up). Run from source (the unit tests), or
 * bundled into an application by a bundler that did not keep us external, there is no such folder:
 * then the packages come from node_modules, as they did before. Decided once, so that a process
 * never mixes the two (the require hook is a singleton of whichever framework copy loads first).
 */
let bundled: boolean | undefined;
export function usesBundledInstrumentations(): boolean {
  if (bundled === undefined) {
    try {
      lazyRequire.resolve('./instrumentations/framework.cjs');
      bundled = true;
    } catch {
      bundled = false;
    }
  }
  return bundled;
}

/** `dist/instrumentations/<name>.cjs`: an instrumentation package (by short name) or `framework`. */
export function requireBundled(name: string): unknown {
  return lazyRequire(`./instrumentations/${name}.cjs`);
}
