import type { Context, Span, SpanOptions, Tracer } from '@opentelemetry/api';
import { log } from '../diag/index.js';
import { notAttributes, shownNotAttributes, walkedBySdk } from '../util/attributes-shape.js';
import { quoted } from '../util/quote.js';

/**
 * Whether code of the user's may read a span's start attributes: a Sampler object (in
 * `shouldSample`), or a span processor of the user's (in `onStart`, which the SDK calls after it
 * sets the start attributes). The built-in samplers (always_on/off, traceidratio, parentbased_*)
 * decide from the parent and the trace id alone, and our own processors read no attributes at
 * start.
 */
let startAttributesRead = true;

export function startAttributesAreRead(): boolean {
  return startAttributesRead;
}

/** Set by initTracing() for the sampler and processors it registers, and back to true on shutdown. */
export function setStartAttributesRead(value: boolean): void {
  startAttributesRead = value;
}

/**
 * `startSpan` for every tracer of our provider (src/sampling/random-flag.ts wraps it): when nothing
 * reads start attributes, the span starts without them and a recorded one gets them right after,
 * before the caller sees it: the same attributes in the same order. The SDK's `startSpan` copies
 * and checks start attributes twice (`sanitizeAttributes` before and after sampling) before the
 * span sets them one by one anyway: 1.72 against 1.31 µs for a span of 13 attributes
 * (docs/performance.md, 2026-12-04 20:40). An unrecorded span's attributes are not set at all, as
 * the SDK drops them.
 */
export function startSpanAttributesAfter(
  start: Tracer['startSpan'],
  tracer: Tracer,
  name: string,
  options: SpanOptions | undefined,
  ctx: Context,
): Span {
  const attributes = options?.attributes;
  if (attributes === undefined) return start.call(tracer, name, options, ctx);
  const kind = notAttributes(attributes);
  if (kind === undefined && startAttributesRead) return start.call(tracer, name, options, ctx);
  const { attributes: _started, ...bare } = options as SpanOptions;
  if (kind !== undefined) {
    // The SDK walks an array whole before any processor sees the span (1 M elements: 1.7 s).
    log.warnOnce(
      `startSpan-attributes:${kind}`,
      `tracer.startSpan(${quoted(String(name))}) was given ${shownNotAttributes(attributes, kind)} as attributes, not an object: started without them (${walkedBySdk(kind)})`,
    );
    return start.call(tracer, name, bare, ctx);
  }
  const span = start.call(tracer, name, bare, ctx);
  if (span.isRecording()) span.setAttributes(attributes);
  return span;
}
