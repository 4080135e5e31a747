import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { log } from '../diag/index.js';
import { notAttributes, shownNotAttributes, walkedBySdk } from '../util/attributes-shape.js';

/**
 * `span.setAttributes` on our spans: what is no object of attributes is ignored, said once, where
 * the SDK walked it (see {@link notAttributes}); an object goes to the SDK's method unchanged.
 */
function setAttributes(this: Span, attributes: Attributes): Span {
  const kind = notAttributes(attributes);
  if (kind === undefined) return Object.getPrototypeOf(this).setAttributes.call(this, attributes);
  log.warnOnce(
    `setAttributes:${kind}`,
    `span.setAttributes was given ${shownNotAttributes(attributes, kind)}, not an object of attributes: ignored (${walkedBySdk(kind)})`,
  );
  return this;
}

/**
 * Gives each span, as it starts, the {@link setAttributes} above in place of the SDK's. A span
 * processor sees the span in `onStart` before `startSpan` returns it, so the app never holds one
 * without it. One property set per span: no difference measured against a bare `onStart` (≤ 40 ns
 * in a 1.1 µs start-set-end, Node 20); `Object.defineProperty` (to keep it non-enumerable) cost
 * ~270 ns, so the property is a plain one (docs/safety.md, "setAttributes").
 */
export class AttributesGuardProcessor implements SpanProcessor {
  onStart(span: Span): void {
    span.setAttributes = setAttributes;
  }
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
