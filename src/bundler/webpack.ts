import { TracingConfigError } from '../errors.js';
import { type ExternalsOptions, externalModules, packageNameOf } from './externals.js';

/** What webpack 5 passes to a function in `externals`. */
export interface WebpackExternalsData {
  readonly request?: string | undefined;
}

/** Options of {@link webpackExternals}. */
export interface WebpackExternalsOptions extends ExternalsOptions {
  /**
   * How the bundle loads a kept package: `commonjs` (`require()`, for `--require
   * @acme/otel/register`) or `module` (`import`, for ESM output and `--import @acme/otel/register`).
   * @default 'commonjs'
   */
  readonly type?: 'commonjs' | 'module';
}

/**
 * A function for webpack's `externals` that keeps the same packages out of the bundle as
 * {@link otelPlugin} (subpaths included: `pg/lib/client` goes with `pg`).
 *
 * @example
 * // webpack.config.js
 * const { webpackExternals } = require('@acme/otel/esbuild');
 * module.exports = { target: 'node', externals: [webpackExternals()], … };
 */
export function webpackExternals(
  options: WebpackExternalsOptions = {},
): (data: WebpackExternalsData, callback: (error?: Error | null, result?: string) => void) => void {
  const { type = 'commonjs', ...rest } = options;
  if (type !== 'commonjs' && type !== 'module')
    throw new TracingConfigError('type', type, 'expected "commonjs" or "module"');
  const external = new Set(externalModules(rest));
  return ({ request }, callback) => {
    const name = request === undefined ? undefined : packageNameOf(request);
    if (name !== undefined && external.has(name)) callback(null, `${type} ${request}`);
    else callback();
  };
}
