import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TracingConfigError } from '../errors.js';
import { checkOptions, type ExternalsOptions, externalModules, packageNameOf } from './externals.js';

/** Options of {@link otelPlugin}. */
export interface OtelPluginOptions extends ExternalsOptions {
  /**
   * Write a package.json fragment (`{ "dependencies": { "express": "5.3.0", … } }`) listing the
   * packages the build kept external, at the versions it found, to this path (relative to the
   * build's working directory): what the deployment must `npm install` beside the bundle.
   * @default undefined (nothing written)
   * @example otelPlugin({ manifest: 'dist/externals.json' })
   */
  readonly manifest?: string;
  /**
   * Print the packages kept external at the end of each build, on stderr.
   * @default true
   */
  readonly log?: boolean;
}

/** The part of esbuild's `PluginBuild` the plugin uses (typed here so esbuild stays optional). */
export interface EsbuildPluginBuild {
  readonly initialOptions: { readonly absWorkingDir?: string | undefined };
  onStart(callback: () => void): void;
  onResolve(
    options: { filter: RegExp },
    callback: (args: { path: string; resolveDir: string }) => { path: string; external: boolean } | undefined,
  ): void;
  onEnd(callback: (result: { errors: readonly unknown[] }) => void): void;
}

/** An esbuild plugin: pass it in `plugins` of `esbuild.build()` or `esbuild.context()`. */
export interface EsbuildPlugin {
  readonly name: string;
  setup(build: EsbuildPluginBuild): void;
}

/**
 * Keeps the packages our instrumentations patch (and `@acme/otel` itself) out of the bundle, so
 * that they are `require`d from node_modules at run time, where `--require @acme/otel/register`
 * patches them as in an unbundled app. Everything else is bundled as usual. At the end of a build
 * it says which of them the app uses: the deployment must ship those in node_modules.
 *
 * @example
 * import { build } from 'esbuild';
 * import { otelPlugin } from '@acme/otel/esbuild';
 * await build({ entryPoints: ['src/main.ts'], bundle: true, platform: 'node', outfile: 'dist/main.js',
 *   plugins: [otelPlugin({ manifest: 'dist/externals.json' })] });
 */
export function otelPlugin(options: OtelPluginOptions = {}): EsbuildPlugin {
  checkOptions(options, ['manifest', 'log']);
  if (options.manifest !== undefined && (typeof options.manifest !== 'string' || options.manifest === ''))
    throw new TracingConfigError('manifest', options.manifest, 'expected a file path');
  if (options.log !== undefined && typeof options.log !== 'boolean')
    throw new TracingConfigError('log', options.log, 'expected true or false');
  const { manifest, log, ...lists } = options;
  const external = new Set(externalModules(lists));
  return {
    name: '@acme/otel',
    setup(build) {
      // Package name → the directory it was first imported from (to find the version it resolves to).
      const kept = new Map<string, string>();
      const workingDir = build.initialOptions.absWorkingDir ?? process.cwd();
      // Always listed: `--require`/`--import @acme/otel/register` loads it from node_modules even
      // when the application never imports it.
      build.onStart(() => {
        kept.clear();
        kept.set('@acme/otel', workingDir);
      });
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = packageNameOf(args.path);
        if (name === undefined || !external.has(name)) return undefined;
        if (!kept.has(name)) kept.set(name, args.resolveDir);
        return { path: args.path, external: true };
      });
      build.onEnd((result) => {
        if (result.errors.length > 0) return;
        const versions = [...kept]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([name, dir]) => [name, versionOf(name, dir)]);
        if (log !== false) {
          const list = versions.map(([name, version]) => `${name}@${version}`).join(', ');
          process.stderr.write(
            `[@acme/otel] kept out of the bundle, for tracing to load and patch at run time; ship them in node_modules: ${list}\n`,
          );
        }
        if (manifest !== undefined) {
          const file = path.resolve(workingDir, manifest);
          mkdirSync(path.dirname(file), { recursive: true });
          writeFileSync(file, `${JSON.stringify({ dependencies: Object.fromEntries(versions) }, null, 2)}\n`);
        }
      });
    },
  };
}

/** The version of `name` as Node would find it from `dir` (node_modules upwards); `*` if not found. */
function versionOf(name: string, dir: string): string {
  for (let at = dir; ; at = path.dirname(at)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(at, 'node_modules', name, 'package.json'), 'utf8'));
      if (typeof pkg?.version === 'string') return pkg.version;
    } catch {
      // Not here: look one level up.
    }
    if (path.dirname(at) === at) return '*';
  }
}
