// `@acme/otel/esbuild`: build-time helpers for bundled services (esbuild plugin, webpack externals).
// Imported by a build script, never at run time.
export type { EsbuildPlugin, EsbuildPluginBuild, OtelPluginOptions } from './esbuild.js';
export { otelPlugin } from './esbuild.js';
export type { ExternalsOptions } from './externals.js';
export { externalModules, instrumentedModules } from './externals.js';
export type { WebpackExternalsData, WebpackExternalsOptions } from './webpack.js';
export { webpackExternals } from './webpack.js';
