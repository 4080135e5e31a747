// `exporter: 'console'` prints span names, attributes, events and the resource as given. util.inspect
// escapes control characters in them (ESC[2J, OSC 8 hyperlinks, \r), but not the bidirectional
// overrides and isolates nor the line and paragraph separators: a span name holding U+202E showed
// reversed text in the terminal ("Trojan Source"), as no line of ours may (util/printable.ts).
import { format, type InspectOptions, inspect } from 'node:util';
import { context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { getTracingHandle, initTracing } from '../../../src/sdk/init.js';

const HOSTILE =
  'A\u001b[2J\u001b]8;;http://evil.example/\u0007click\u001b]8;;\u0007\rOVER\u202eLTR\u2066x\u2069\u2028y\u0008\u0085\u009b31m';
// What a terminal acts on rather than shows, but a tab and the line breaks of inspect's layout.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const ACTED_ON = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

let printed: string[];
beforeEach(() => {
  trace.disable();
  context.disable();
  propagation.disable();
  resetLogger();
  setLogSink(() => undefined);
  printed = [];
  // As the console would write them (no colours: not a terminal).
  vi.spyOn(console, 'dir').mockImplementation((item: unknown, options?: InspectOptions) => {
    printed.push(inspect(item, { customInspect: false, ...options }));
  });
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(format(...args));
  });
});
afterEach(async () => {
  await getTracingHandle()?.shutdown();
  vi.restoreAllMocks();
  trace.disable();
  context.disable();
  propagation.disable();
  resetLogger();
});

describe("exporter: 'console' prints what a span holds without letting it act on the terminal", () => {
  it('span name, attribute keys and values, events, status, links and the resource', async () => {
    const tracing = initTracing(
      {
        serviceName: `svc${HOSTILE}`,
        exporter: 'console',
        resourceAttributes: { [`r${HOSTILE}`]: `v${HOSTILE}` },
        handleSignals: false,
        instrumentations: false,
      },
      { OTEL_NODE_RESOURCE_DETECTORS: 'none', NO_COLOR: '1' },
    );
    const span = tracing.tracer.startSpan(`name${HOSTILE}`, {
      attributes: { [`k${HOSTILE}`]: `v${HOSTILE}`, list: [`a${HOSTILE}`, 'b'] },
    });
    span.addEvent(`event${HOSTILE}`, { [`ek${HOSTILE}`]: `ev${HOSTILE}` });
    span.setStatus({ code: SpanStatusCode.ERROR, message: `status${HOSTILE}` });
    span.addLink({ context: span.spanContext(), attributes: { [`l${HOSTILE}`]: `x${HOSTILE}` } });
    span.end();
    await tracing.forceFlush();
    expect(printed).toHaveLength(1);
    const text = printed[0]!;
    expect(text).not.toMatch(ACTED_ON);
    // Everything is still there, written out.
    for (const part of ['name', 'svc', 'event', 'status', 'list: [']) expect(text).toContain(part);
    expect(text).toContain('OVER\\u202eLTR\\u2066x\\u2069\\u2028y');
    expect(text).toContain('nameA\\x1B[2J\\x1B]8;;http://evil.example/\\x07click');
  });
});
