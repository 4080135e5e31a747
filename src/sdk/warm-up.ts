import type { Tracer } from '@opentelemetry/api';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { EncodedSpanQueue, timeWork } from '../export/index.js';
import type { HttpWarmUp } from '../instrumentations/index.js';
import { createSampler, keepRandomFlagOnUnrecordedSpans, type PooledIdGenerator } from '../sampling/index.js';
import type { ResolvedConfig } from '../types.js';
import { shapingProcessors } from './shaping.js';

/**
 * What the HTTP server side runs at the application's first `listen()` (src/instrumentations/
 * http-server-warm-up.ts): a tracer built like the real one (the same sampler when it is one of
 * ours, span limits, and our span-shaping processors, shaping.ts `shapingProcessors`, then the OTLP
 * encoding) whose spans are encoded into a queue nobody reads. It takes its ids from the real
 * generator, whose first pool of random bytes is then made here rather than in the first request
 * (the ids are random either way). So the code a traced request runs is compiled before the first
 * request, and no span, log line, counter or user code (a Sampler object, `spanProcessors`) sees
 * the warm-up. Announced as start-up work on the work channel (`preload: warm the request path`;
 * test/integration/export/loop-work.test.ts). A sampler that records no root span (a ratio below
 * one) still records the warm-up's request with a sampled parent when it is parent-based.
 */
export function createWarmUp(config: ResolvedConfig, idGenerator: PooledIdGenerator): HttpWarmUp {
  return (run) =>
    timeWork('preload: warm the request path', () => {
      run(warmUpTracer(config, idGenerator));
    });
}

function warmUpTracer(config: ResolvedConfig, idGenerator: PooledIdGenerator): Tracer {
  const queue = new EncodedSpanQueue(4);
  const discard: SpanProcessor = {
    onStart: () => undefined,
    onEnd(span: ReadableSpan) {
      queue.push(span);
      queue.take(queue.size);
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const processors = shapingProcessors(config);
  processors.push(discard);
  const provider = new BasicTracerProvider({
    idGenerator,
    // A Sampler object of the user's is not shown requests that never came.
    sampler: typeof config.sampler === 'string' ? createSampler(config, idGenerator) : new AlwaysOnSampler(),
    spanLimits: config.spanLimits,
    spanProcessors: processors,
  });
  keepRandomFlagOnUnrecordedSpans(provider);
  return provider.getTracer('@acme/otel warm-up');
}
