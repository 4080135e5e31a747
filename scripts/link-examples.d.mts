// Hand-written types for ./link-examples.mjs (plain ESM so it runs without a build).

/** Creates (or repairs) examples/node_modules/@acme/otel → the repository root; returns the link's path. */
export function linkExamples(root?: string): string;
