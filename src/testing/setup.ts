import { context, propagation, type TextMapPropagator, type Tracer, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, Sampler } from '@opentelemetry/sdk-trace-base';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { resolveConfig } from '../config/index.js';
import { createPropagator } from '../propagation/index.js';
import { shapingProcessors } from '../sdk/shaping.js';
import type { PropagatorName, RedactionOptions, SpanLimitOptions } from '../types.js';
import type { SpanExpectation, SpanMatcher } from './expect-span.js';
import { expectSpan, findSpan } from './expect-span.js';
import { resetTracing } from './reset.js';

/** Options for {@link setupTestTracing}. */
export interface TestTracingOptions {
  /** `service.name` on the resource. @default 'test' */
  serviceName?: string;
  /** Sampler. @default always on */
  sampler?: Sampler;
  /**
   * Secret scrubbing, as `initTracing`'s `redaction` option (same shape, same checks): the spans a
   * test sees are scrubbed as the exported ones are. `false` turns it off.
   * @default the defaults of `initTracing`
   * @example
   * setupTestTracing({ redaction: { keys: ['x-tenant-key'] } });
   */
  redaction?: RedactionOptions | false;
  /**
   * Global propagators, as `initTracing`'s `propagators` option.
   * @default ['tracecontext', 'baggage', 'b3multi'] (the default of `initTracing`)
   * @example
   * setupTestTracing({ propagators: ['tracecontext', 'baggage'] });
   */
  propagators?: (PropagatorName | TextMapPropagator)[];
  /**
   * Span limits, as `initTracing`'s `spanLimits` option.
   * @default the defaults of `initTracing` (values cut at 16,384 characters...)
   */
  spanLimits?: SpanLimitOptions;
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
 * Register an in-memory tracing pipeline for a unit test: BasicTracerProvider with the span limits,
 * value budgets and secret scrubbing of `initTracing` (so a test asserts on the spans that would
 * leave the process; trace flags stay `01`, without the W3C random-trace-id flag), SimpleSpanProcessor (spans are exported as they end),
 * AsyncLocalStorage context manager, and `initTracing`'s default propagators (W3C tracecontext,
 * baggage, B3 multi). Any previous global registration is removed first. Works with vitest, jest
 * and node:test (it has no dependency on a test framework). A bad option throws the
 * `TracingConfigError` `initTracing` would.
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
  // An env of its own, empty: a test's spans do not change with the machine's OTEL_* variables. The
  // resource is the kit's own; a name and version are given only so no package.json is looked for.
  const config = resolveConfig(
    {
      serviceName: 'test',
      serviceVersion: 'test',
      ...(options.redaction !== undefined ? { redaction: options.redaction } : {}),
      ...(options.propagators !== undefined ? { propagators: options.propagators } : {}),
      ...(options.spanLimits !== undefined ? { spanLimits: options.spanLimits } : {}),
    },
    {},
  );
  resetTracing();
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'test' }),
    spanLimits: config.spanLimits,
    // Without the W3C random-trace-id flag: it changes trace flags only (`03` for `01`), nothing a
    // collector receives as content, and tests everywhere assert `trace_flags: '01'` on log lines.
    spanProcessors: [...shapingProcessors(config, [], false), new SimpleSpanProcessor(exporter)],
    // Always given: without one the SDK reads OTEL_TRACES_SAMPLER itself, and a machine with
    // `always_off` (or a ratio) set left a test with no spans, or some.
    sampler: options.sampler ?? new AlwaysOnSampler(),
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(createPropagator(config.propagators));
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
