import { createRequire } from 'node:module';
import { lazyRequire } from '../util/index.js';

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

// require-in-the-middle and import-in-the-middle must be the very copies
// @opentelemetry/instrumentation uses: the RITM singleton is shared through its module instance,
// and IITM keeps its hook list and loader message port in module state.
let fromInstrumentation: NodeJS.Require | undefined;
export function requireFromInstrumentation(): NodeJS.Require {
  fromInstrumentation ??= createRequire(lazyRequire.resolve('@opentelemetry/instrumentation'));
  return fromInstrumentation;
}

export function getIitm(): Iitm {
  return requireFromInstrumentation()('import-in-the-middle') as Iitm;
}

// The instrumentation packages are our own dependencies, not those of the
// auto-instrumentations-node meta-package: it also pulls in sdk-node, the metrics and logs
// exporters, prometheus and zipkin, which we never load (~15 MB of every install, issue 21).
export function requireInstrumentationPackage(pkg: string): unknown {
  return lazyRequire(pkg);
}
