import { builtinModules } from 'node:module';
import { TracingConfigError } from '../errors.js';
import { CATALOGUE } from '../instrumentations/catalogue.js';

/** Options shared by {@link otelPlugin} and {@link webpackExternals}. */
export interface ExternalsOptions {
  /**
   * More packages to keep out of the bundle, by package name: a package of yours that an
   * instrumentation you added patches, or a native module.
   * @default []
   * @example otelPlugin({ external: ['sharp'] })
   */
  readonly external?: readonly string[];
  /**
   * Packages to bundle although an instrumentation patches them: their spans are lost, and they no
   * longer need to ship in node_modules.
   * @default []
   * @example otelPlugin({ bundle: ['winston'] })
   */
  readonly bundle?: readonly string[];
}

// Built-ins are never bundled (platform node), and require-in-the-middle sees them as it would
// unbundled; only packages from node_modules need keeping out.
const BUILTIN = new Set(builtinModules);

/**
 * The npm packages our instrumentations patch (from the catalogue): a bundled copy of one of them
 * is never require()d at run time, so require-in-the-middle cannot patch it (opentelemetry-js
 * #4174). Built-in modules are left out: a bundle still loads them from Node.
 */
export const instrumentedModules: readonly string[] = Object.freeze(
  [
    ...new Set(
      [...CATALOGUE.values()].flatMap((entry) =>
        entry.trigger.kind === 'module' ? entry.trigger.modules.filter((m) => !BUILTIN.has(m)) : [],
      ),
    ),
  ].sort(),
);

/**
 * Always external: `@acme/otel` itself, so that a bundled `import '@acme/otel'` and the
 * `--require @acme/otel/register` flag share one copy that loads exporters and instrumentations
 * from its own node_modules; and the `@opentelemetry/api` it shares with the application.
 */
const OWN = ['@acme/otel', '@opentelemetry/api'];

/**
 * Every package a bundle should leave to `require()`/`import` at run time: ours, the
 * instrumented ones, `external`, less `bundle`. The deployment must ship these in node_modules.
 *
 * @example
 * externalModules({ bundle: ['winston'] }) // ['@acme/otel', '@opentelemetry/api', 'amqplib', …]
 */
export function externalModules(options: ExternalsOptions = {}): string[] {
  checkOptions(options, []);
  const bundled = new Set(options.bundle ?? []);
  const names = [...OWN, ...instrumentedModules, ...(options.external ?? [])];
  return [...new Set(names)].filter((name) => !bundled.has(name));
}

/**
 * The package a bare specifier names: `pg/lib/client` → `pg`, `@smithy/core/x` → `@smithy/core`;
 * `undefined` for relative or absolute paths and built-ins.
 */
export function packageNameOf(specifier: string): string | undefined {
  if (specifier === '' || specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  if (specifier.startsWith('node:') || /^[a-zA-Z]:[\\/]/.test(specifier)) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return name === undefined || BUILTIN.has(name) ? undefined : name;
}

/** Throws {@link TracingConfigError} for an unknown option or a list that is not of package names. */
export function checkOptions(options: unknown, extraKeys: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new TracingConfigError('options', options, 'expected an object');
  const known = ['external', 'bundle', ...extraKeys];
  for (const [key, value] of Object.entries(options)) {
    if (!known.includes(key))
      throw new TracingConfigError(key, value, `unknown option; known options are ${known.join(', ')}`);
    if ((key === 'external' || key === 'bundle') && value !== undefined) checkNames(key, value);
  }
}

// npm's rule (legacy capitals allowed), in linear time: `pg`, `@smithy/core`; not a subpath.
const PACKAGE_NAME = /^(?:@[\w~-][\w.~-]*\/)?[\w~-][\w.~-]*$/;

function checkNames(key: string, value: unknown): void {
  if (!Array.isArray(value)) throw new TracingConfigError(key, value, 'expected an array of package names');
  value.forEach((name, i) => {
    if (typeof name !== 'string' || !PACKAGE_NAME.test(name) || packageNameOf(name) !== name)
      throw new TracingConfigError(
        `${key}[${i}]`,
        name,
        'expected an npm package name such as "pg" or "@scope/pkg"',
      );
  });
}
