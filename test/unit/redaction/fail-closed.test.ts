// A span whose scrubbing threw (a name that is no string, from JavaScript: `span.addEvent(err.code)`
// with no code, `startSpan(route)` with no route) had only its own string attributes blanked: the
// exception message of its next event, its links, status message and name went out as written.
// Every text of such a span is now replaced, and a name that is no string no longer throws.
import { type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { setupTestTracing, type TestTracing } from '../../../src/testing/index.js';

let tracing: TestTracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

function leaky(span: Span): void {
  span.recordException(new Error('db login failed: password=hunter2'));
  span.addLink({ context: span.spanContext(), attributes: { note: 'token=hunter2' } });
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'password=hunter2' });
  span.end();
}

describe('a span whose scrubbing cannot run as usual', () => {
  it('an event name that is no string: the rest of the span is scrubbed', () => {
    tracing = setupTestTracing();
    const span = trace.getTracer('app').startSpan('login password=hunter2');
    span.addEvent(undefined as unknown as string);
    leaky(span);
    const [s] = tracing.spans();
    expect(JSON.stringify([s?.name, s?.events, s?.links.map((l) => l.attributes), s?.status])).not.toContain(
      'hunter2',
    );
    tracing.expectSpan('login password=[REDACTED]', {
      event: {
        name: 'exception',
        attributes: { 'exception.message': 'db login failed: password=[REDACTED]' },
      },
      status: { code: 'error', message: 'password=[REDACTED]' },
    });
  });

  it('a span name that is no string: every text of the span is replaced', () => {
    tracing = setupTestTracing();
    const span = trace.getTracer('app').startSpan(undefined as unknown as string);
    span.setAttribute('db.password', 'hunter2');
    leaky(span);
    const [exported] = tracing.spans();
    expect(exported).toBeDefined();
    expect(JSON.stringify(exported?.events)).not.toContain('hunter2');
    expect(JSON.stringify(exported?.links.map((l) => l.attributes))).not.toContain('hunter2');
    expect(exported?.status.message).toBe('[REDACTED]');
  });
});
