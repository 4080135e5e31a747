import {
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  type Span,
  type SpanContext,
  type SpanOptions,
  TraceFlags,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type { ReadableSpan, Span as SdkSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startSpanAttributesAfter } from './start-attributes.js';

/** W3C Trace Context Level 2 "random trace id" flag. */
export const RANDOM_TRACE_ID_FLAG = 0x02;

/**
 * Whether a span of trace `traceId` started under `parent` has a random trace id (§3.2.2.5.2).
 * A child inherits the flag: set in the incoming traceparent, it MUST stay set on every outgoing
 * one with the same trace id, and unset MUST stay unset (a trace started by a B3 or Jaeger
 * neighbour keeps it off: nothing says its id is random). A root, or a span whose parent the SDK
 * did not continue, got its id from the SDK's random id generator, so it has the flag.
 */
export function hasRandomTraceId(parent: SpanContext | undefined, traceId: string): boolean {
  if (parent === undefined || parent.traceId !== traceId) return true;
  return (parent.traceFlags & RANDOM_TRACE_ID_FLAG) !== 0;
}

/**
 * Keeps the random flag on recorded spans. The SDK gives every new span only the sampled bit, so
 * without this a trace that arrived as `-03` would leave as `-01` one hop later. Runs in onStart,
 * first in the pipeline, so later processors see the final flags; costs one comparison.
 */
export class RandomTraceIdFlagProcessor implements SpanProcessor {
  onStart(span: SdkSpan, parentContext: Context): void {
    const sc = span.spanContext() as SpanContext; // the span's own object; the SDK never freezes it
    if (hasRandomTraceId(trace.getSpanContext(parentContext), sc.traceId))
      sc.traceFlags |= RANDOM_TRACE_ID_FLAG;
  }
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const patched = new WeakSet<Tracer>();

/** What the fast path for children of unsampled spans needs: the provider's id generator. */
export interface SpanIds {
  generateSpanId(): string;
}

/**
 * Keeps the random flag on spans that are not recorded. An unsampled span never reaches a span
 * processor: the SDK's tracer returns a non-recording span whose flags are 00, so a request that
 * arrived as `-02` (random, not sampled) called downstream with `-00`, breaking the MUST of
 * §3.2.2.5.2 for most traffic under ratio sampling. Every tracer of `provider` (the instrumentations'
 * included: they get theirs from it) sets the flag on those spans right after creating them.
 *
 * With `unsampledChildren` (the provider's id generator, given when its sampler is one of the
 * named `parentbased_*` ones), a span whose parent is valid and not sampled is made here, as the
 * SDK would make it, without the SDK's pass (`unsampledChild` below).
 */
export function keepRandomFlagOnUnrecordedSpans(provider: TracerProvider, unsampledChildren?: SpanIds): void {
  const getTracer = provider.getTracer.bind(provider);
  provider.getTracer = (name, version, options) => {
    const tracer = getTracer(name, version, options);
    if (!patched.has(tracer)) {
      patched.add(tracer);
      patchStartSpan(tracer, unsampledChildren);
    }
    return tracer;
  };
}

function patchStartSpan(tracer: Tracer, unsampledChildren: SpanIds | undefined): void {
  const startSpan = tracer.startSpan;
  // startActiveSpan calls this.startSpan, so it is covered too. The same wrapper gives a recorded
  // span its start attributes after starting it when nothing reads them at start (./start-attributes.ts).
  tracer.startSpan = function startSpanKeepingRandomFlag(
    this: Tracer,
    name: string,
    options?: SpanOptions,
    ctx?: Context,
  ): Span {
    const parentContext = ctx ?? context.active();
    if (unsampledChildren !== undefined && !options?.root) {
      const child = unsampledChild(parentContext, unsampledChildren);
      if (child !== undefined) return child;
    }
    const span = startSpanAttributesAfter(startSpan, this, name, options, parentContext);
    if (span.isRecording()) return span;
    const sc = span.spanContext();
    // Suppressed tracing hands out the shared INVALID_SPAN_CONTEXT: never write to it.
    if (sc === INVALID_SPAN_CONTEXT || sc.traceId === INVALID_SPAN_CONTEXT.traceId) return span;
    const parent = options?.root ? undefined : trace.getSpanContext(parentContext);
    // The SDK builds a fresh span context object for each non-recording span.
    if (hasRandomTraceId(parent, sc.traceId)) sc.traceFlags |= RANDOM_TRACE_ID_FLAG;
    return span;
  };
}

/** The parent span context checked valid last, with the ids it had then. */
let checked: { parent: SpanContext; traceId: string; spanId: string } | undefined;

/**
 * The span the SDK's tracer returns under a valid, unsampled parent when its sampler is a named
 * `parentbased_*` one (whose delegates for unsampled parents are AlwaysOff and read nothing): a
 * non-recording span with the parent's trace id and trace state, a new span id from the same
 * generator, flags 00 plus the parent's random flag (as the wrapper above sets it). Undefined when
 * the SDK must decide: no parent, a sampled or invalid one, or tracing suppressed.
 *
 * The SDK's pass around it (its sampler chain, attribute copies, the parent's ids checked with two
 * regular expressions, its span-metrics hooks, which are no-ops: our provider has no meter) was
 * ~1 µs a span, for every express layer, query and outgoing call of nine traces in ten at
 * `sampleRatio: 0.1`. A parent met again (the same object with the same ids: an express request's
 * layers all start under its server span) is not checked again.
 */
function unsampledChild(parentContext: Context, ids: SpanIds): Span | undefined {
  const parent = trace.getSpanContext(parentContext);
  if (parent === undefined || (parent.traceFlags & TraceFlags.SAMPLED) !== 0) return undefined;
  const { traceId, spanId } = parent;
  if (
    checked === undefined ||
    checked.parent !== parent ||
    checked.traceId !== traceId ||
    checked.spanId !== spanId
  ) {
    if (!trace.isSpanContextValid(parent)) return undefined;
    checked = { parent, traceId, spanId };
  }
  if (isTracingSuppressed(parentContext)) return undefined;
  // The SDK's object, `traceState` key included even when undefined.
  const spanContext = {
    traceId,
    spanId: ids.generateSpanId(),
    traceFlags: hasRandomTraceId(parent, traceId) ? RANDOM_TRACE_ID_FLAG : TraceFlags.NONE,
    traceState: parent.traceState,
  } as SpanContext;
  return trace.wrapSpanContext(spanContext);
}
