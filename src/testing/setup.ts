import { context, propagation, type Tracer, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, Sampler } from '@opentelemetry/sdk-trace-base';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { SpanExpectation, SpanMatcher } from './expect-span.js';
import { expectSpan, findSpan } from './expect-span.js';
import { resetTracing } from './reset.js';

/** Options for {@link setupTestTracing}. */
export interface TestTracingOptions {
  /** `service.name` on the resource. @default 'test' */
  serviceName?: string;
  /** Sampler. @default always on */
  sampler?: Sampler;
}

/** What {@link setupTestTracing} returns. */
export interface TestTracing {
  /** The in-memory exporter every finished span goes to. */
  readonly exporter: InMemorySpanExporter;
  /** The registered provider. */
  readonly provider: BasicTracerProvider;
  /** A tracer from the provider. */
  readonly tracer: Tracer;
  /** Finished spans, in the order they ended. */
  spans(): ReadableSpan[];
  /** Forget finished spans (keep the pipeline). */
  reset(): void;
  /** Shut the provider down and unregister the globals. */
  shutdown(): Promise<void>;
  /** The first finished span with that name (or matching the predicate). */
  findSpan(match: SpanMatcher): ReadableSpan | undefined;
  /** Assert that a finished span matches; returns it, or throws a readable error. */
  expectSpan(match: SpanMatcher, expectation?: SpanExpectation): ReadableSpan;
  /** Wait (polling) until a matching span has finished; rejects with the expectSpan error on timeout. */
  waitForSpan(
    match: SpanMatcher,
    expectation?: SpanExpectation,
    timeoutMillis?: number,
  ): Promise<ReadableSpan>;
}

/**
 * Register an in-memory tracing pipeline for a unit test: BasicTracerProvider, SimpleSpanProcessor
 * (spans are exported as they end), AsyncLocalStorage context manager, W3C tracecontext + baggage
 * propagators. Any previous global registration is removed first. Works with vitest, jest and
 * node:test (it has no dependency on a test framework).
 *
 * @example
 * import { afterEach, beforeEach, test } from 'vitest';
 * import { setupTestTracing } from '@acme/otel/testing';
 * import { withSpan } from '@acme/otel';
 *
 * let tracing: ReturnType<typeof setupTestTracing>;
 * beforeEach(() => { tracing = setupTestTracing(); });
 * afterEach(() => tracing.shutdown());
 *
 * test('loads the order in a span', async () => {
 *   await withSpan('order.handle', () => withSpan('order.load', async () => 42));
 *   tracing.expectSpan('order.load', { parent: 'order.handle', status: 'unset' });
 * });
 */
export function setupTestTracing(options: TestTracingOptions = {}): TestTracing {
  resetTracing();
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'test' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(options.sampler ? { sampler: options.sampler } : {}),
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  const spans = () => exporter.getFinishedSpans();
  let shutdownPromise: Promise<void> | undefined;
  return {
    exporter,
    provider,
    tracer: provider.getTracer('@acme/otel/testing'),
    spans,
    reset: () => exporter.reset(),
    shutdown() {
      shutdownPromise ??= provider.shutdown().finally(resetTracing);
      return shutdownPromise;
    },
    findSpan: (match) => findSpan(spans(), match),
    expectSpan: (match, expectation = {}) => expectSpan(spans(), match, expectation),
    async waitForSpan(match, expectation = {}, timeoutMillis = 5000) {
      const deadline = Date.now() + timeoutMillis;
      for (;;) {
        try {
          return expectSpan(spans(), match, expectation);
        } catch (error) {
          if (Date.now() >= deadline) throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}
