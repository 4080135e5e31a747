import type { Attributes, AttributeValue, Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { RedactionOptions } from '../types.js';
import { redactorFor } from './shared.js';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A span processor that scrubs secrets from span attributes, event attributes (including
 * `exception.message` / `exception.stacktrace`), the status message and the span name, in place, in
 * `onEnd`. It must be registered FIRST, so every later processor and exporter sees scrubbed spans.
 *
 * Why `onEnd` and in place: `onEnd` sees the final span (later `onEnding` hooks may still add
 * attributes), the SDK's attribute, event and status objects belong to that span alone, and
 * scrubbing in place costs no copy. Scrubbing in the exporter instead would leave user span
 * processors (`spanProcessors`) seeing raw secrets.
 *
 * @example
 * new BasicTracerProvider({ spanProcessors: [createRedactionProcessor({ keys: ['x-tenant-key'] }), batch] })
 */
export function createRedactionProcessor(options: RedactionOptions | undefined): SpanProcessor {
  const redactor = redactorFor(options);
  const replacement = options?.replacement ?? '[REDACTED]';
  return {
    onStart(_span: Span, _context: Context): void {},
    onEnd(readable: ReadableSpan): void {
      const span = readable as Writable<ReadableSpan>;
      try {
        redactor.attributes(span.attributes);
        for (const event of span.events) {
          if (event.attributes) redactor.attributes(event.attributes);
          // Every name, not only those with `://` or `=`: `Authorization: Bearer …`, a JWT or a
          // match of the user's `patterns` needs neither (~0.1 µs for a short name). A name that
          // is no string (`span.addEvent(err.code)` from JavaScript) has nothing to scrub.
          if (typeof event.name !== 'string') continue;
          const name = redactor.text(event.name);
          if (name !== event.name) (event as { name: string }).name = name;
        }
        for (const link of span.links) if (link.attributes) redactor.attributes(link.attributes);
        const message = span.status.message;
        if (typeof message === 'string' && message !== '')
          span.status = { ...span.status, message: redactor.text(message) };
        const name =
          span.name.includes('?') || span.name.includes('://')
            ? redactor.text(redactor.url(span.name))
            : redactor.text(span.name);
        if (name !== span.name) span.name = name;
      } catch {
        failClosed(span, replacement);
      }
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

/**
 * Never throw into the host's `span.end()`; fail closed: every text of the span is replaced, not
 * only its own attributes. Blanking those alone let a span whose scrubbing threw on its first event
 * export the exception message of the next one, its links, status message and name as they were.
 */
function failClosed(span: Writable<ReadableSpan>, replacement: string): void {
  const blank = (attributes: Attributes | undefined) => {
    for (const key in attributes) {
      const value = attributes[key];
      if (typeof value === 'string') attributes[key] = replacement;
      else if (Array.isArray(value))
        attributes[key] = value.map((v) => (typeof v === 'string' ? replacement : v)) as AttributeValue;
    }
  };
  try {
    blank(span.attributes);
    for (const event of span.events) {
      blank(event.attributes);
      (event as { name: string }).name = replacement;
    }
    for (const link of span.links) blank(link.attributes);
    if (span.status.message !== undefined) span.status = { ...span.status, message: replacement };
    span.name = replacement;
  } catch {
    // A frozen span part: nothing more can be done here, and span.end() must not throw.
  }
}
