import type { Instrumentation } from '@opentelemetry/instrumentation';
import { guarded } from './guarded.js';

// Shared with register-esm, across the ESM and CJS builds (`--require` and `--import` together
// load both): the modules the ESM loader must wrap, and how to add the import hook later. Kept
// apart from the lazy loader so that register can set it up before loading the API and the SDK.
const STATE_KEY = Symbol.for('@acme/otel/instrumentations');
const ESM_LOADER_KEY = Symbol.for('@acme/otel/esm-loader');

export interface SharedState {
  esmModules: Set<string>;
  hookImport: (() => void) | undefined;
  /** Instances created so far, by short name: a later setup (after shutdown) re-enables them. */
  instances: Map<string, Instrumentation>;
  /**
   * The URL of the ES module import that is starting a deferred register right now
   * (src/sdk/register-deferred.ts): the start must leave it to the import hook, which patches its
   * named exports too (a built-in patched through require() first would not be patched again).
   */
  firstImport?: string | undefined;
}
const g = globalThis as { [STATE_KEY]?: SharedState; [ESM_LOADER_KEY]?: boolean };
g[STATE_KEY] ??= { esmModules: new Set(), hookImport: undefined, instances: new Map() };
export const shared: SharedState = g[STATE_KEY];

/** Modules the enabled instrumentations patch: the `include` list for the ESM loader hook. */
export function activeEsmModules(): string[] {
  return [...shared.esmModules];
}

/**
 * The in-thread loader's `shouldInclude`: an import of a module an enabled instrumentation patches,
 * by bare specifier (`express`) or built-in (`http`, `node:http`), as the loader's `include` list
 * would match it.
 */
export function isEsmHookedModule(_url: string, specifier: string): boolean {
  return shared.esmModules.has(specifier.startsWith('node:') ? specifier.slice(5) : specifier);
}

/**
 * Say that an import-in-the-middle loader is (being) registered, so ESM imports need hooking,
 * and hook them now if instrumentations are already enabled. register-esm calls this.
 */
export function useEsmLoader(): void {
  g[ESM_LOADER_KEY] = true;
  const hook = shared.hookImport;
  if (hook !== undefined) guarded(hook, 'hooking ESM imports');
}

/** The URL of the ES import starting a deferred register right now, if one is. */
export function importStartingTracing(): string | undefined {
  return shared.firstImport;
}

/** Whether useEsmLoader() was called in this process. */
export function esmLoaderFlagged(): boolean {
  return g[ESM_LOADER_KEY] === true;
}
