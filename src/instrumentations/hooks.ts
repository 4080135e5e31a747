import { createRequire } from 'node:module';
import { lazyRequire } from '../util/index.js';
import { requireBundled, usesBundledInstrumentations } from './bundled.js';
import type { CatalogueEntry } from './catalogue.js';

/** `(exports, name, basedir)`, as require-in-the-middle calls it. */
export type OnRequire = (exports: unknown, name: string, basedir?: string) => unknown;

/** The raw import-in-the-middle hook: called with the loaded module's URL. */
export type IitmRawHook = (loadUrl: string, namespace: object, specifier: string, format?: string) => void;

export interface IitmHookInstance {
  unhook(): void;
}

export interface Iitm {
  Hook: new (
    modules: string[] | null,
    options: { internals?: boolean } | null,
    hookFn: (exports: unknown, name: string, baseDir?: string) => unknown,
  ) => IitmHookInstance;
  addHook(hook: IitmRawHook): void;
  removeHook(hook: IitmRawHook): void;
  createAddHookMessageChannel(): {
    registerOptions: { data: { include: string[] } & Record<string, unknown>; transferList: unknown[] };
    waitForAllMessagesAcknowledged(): Promise<void>;
  };
}

// import-in-the-middle must be the very copy the instrumentations' framework uses: it keeps its
// hook list and loader message port in module state. It is our own dependency, at the version
// @opentelemetry/instrumentation asks for, so that the bundled framework (external to it) and the
// one in node_modules find the same copy; require-in-the-middle is inside the framework's bundle.
let fromInstrumentation: NodeJS.Require | undefined;
export function requireFromInstrumentation(): NodeJS.Require {
  fromInstrumentation ??= usesBundledInstrumentations()
    ? lazyRequire
    : createRequire(lazyRequire.resolve('@opentelemetry/instrumentation'));
  return fromInstrumentation;
}

export function getIitm(): Iitm {
  return requireFromInstrumentation()('import-in-the-middle') as Iitm;
}

// The instrumentation packages are our own dependencies, not those of the
// auto-instrumentations-node meta-package: it also pulls in sdk-node, the metrics and logs
// exporters, prometheus and zipkin, which we never load (~15 MB of every install, issue 21).
// From the build, their bundled copies (bundled.ts).
export function requireInstrumentationPackage(entry: Pick<CatalogueEntry, 'name' | 'pkg'>): unknown {
  return usesBundledInstrumentations() ? requireBundled(entry.name) : lazyRequire(entry.pkg);
}
