// The register entries import autostart.ts and esm-hooks.ts themselves rather than through here:
// an entry that shares this file with `import '@acme/otel'` gets one more chunk to load at start-up,
// and autostart.ts would land in the chunk the library import loads.
export { getTracingHandle, initTracing } from './init.js';
export type { Pipeline } from './pipeline.js';
