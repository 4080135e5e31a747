// The `@acme/otel/testing` entry: an in-memory tracing pipeline and one-line span assertions for
// users' unit tests. Imported by test files only; it never initialises anything on import.
export type { SpanExpectation, SpanLike, SpanMatcher } from './expect-span.js';
export { expectSpan, findSpan } from './expect-span.js';
export { resetTracing } from './reset.js';
export type { TestTracing, TestTracingOptions } from './setup.js';
export { setupTestTracing } from './setup.js';
export { isSpanAssertionError, SpanAssertionError } from './span-assertion-error.js';
