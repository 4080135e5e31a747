// The testing kit built a bare provider (SimpleSpanProcessor to memory, W3C propagators only), so a
// user's test saw what production never exports: `password=hunter2` in an exception message, a
// bearer token in a header attribute, a 1 MB value whole, and no B3 headers on outgoing calls. It
// now runs the span limits, span-shaping processors, scrubbing and propagators of initTracing.
import { context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isTracingConfigError } from '../../../src/errors.js';
import { resetTracing, setupTestTracing, type TestTracing } from '../../../src/testing/index.js';

let tracing: TestTracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
  vi.unstubAllEnvs();
});

function recordLogin(): void {
  const span = trace.getTracer('app').startSpan('POST /login');
  span.setAttributes({
    'http.request.header.authorization': 'Bearer abcdef123456',
    'url.full': 'https://api.example.com/login?token=s3cr3t&page=2',
    note: 'x'.repeat(20_000),
  });
  span.recordException(new Error('connect failed: password=hunter2'));
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'login as db_password=hunter2 failed' });
  span.end();
}

describe('setupTestTracing runs the pipeline of initTracing', () => {
  it('scrubs secrets and cuts long values, as the exported spans are', () => {
    tracing = setupTestTracing();
    recordLogin();
    const span = tracing.expectSpan('POST /login', {
      attributes: {
        'http.request.header.authorization': '[REDACTED]',
        'url.full': 'https://api.example.com/login?token=REDACTED&page=2',
      },
      status: { code: 'error', message: 'login as db_password=[REDACTED] failed' },
      event: {
        name: 'exception',
        attributes: { 'exception.message': 'connect failed: password=[REDACTED]' },
      },
    });
    expect((span.attributes.note as string).length).toBe(16_384);
  });

  it("takes initTracing's redaction option: keys, replacement, and false", () => {
    tracing = setupTestTracing({ redaction: { keys: ['x-tenant-key'], replacement: '***' } });
    trace
      .getTracer('app')
      .startSpan('s', { attributes: { 'x-tenant-key': 't-1', password: 'p' } })
      .end();
    tracing.expectSpan('s', { attributes: { 'x-tenant-key': '***', password: '***' } });

    tracing = setupTestTracing({ redaction: false });
    trace
      .getTracer('app')
      .startSpan('s', { attributes: { password: 'p' } })
      .end();
    tracing.expectSpan('s', { attributes: { password: 'p' } });
  });

  it('throws the TracingConfigError initTracing throws for a bad option', () => {
    resetTracing();
    let error: unknown;
    try {
      setupTestTracing({ redaction: { keys: [42 as unknown as string] } });
    } catch (e) {
      error = e;
    }
    expect(isTracingConfigError(error)).toBe(true);
    expect(String(error)).toContain('redaction.keys[0]');
  });

  it("injects initTracing's default propagators; takes a list as initTracing does", () => {
    tracing = setupTestTracing();
    const carrier: Record<string, string> = {};
    const span = trace.getTracer('app').startSpan('out');
    propagation.inject(trace.setSpan(context.active(), span), carrier);
    span.end();
    expect(Object.keys(carrier).sort()).toEqual([
      'traceparent',
      'x-b3-sampled',
      'x-b3-spanid',
      'x-b3-traceid',
    ]);

    tracing = setupTestTracing({ propagators: ['tracecontext'] });
    const only: Record<string, string> = {};
    const other = trace.getTracer('app').startSpan('out');
    propagation.inject(trace.setSpan(context.active(), other), only);
    other.end();
    expect(Object.keys(only)).toEqual(['traceparent']);
  });
});

// docs/testing.md: "The environment is not read: a test's spans do not change with the machine's
// OTEL_* or ACME_OTEL_* variables."
describe('setupTestTracing reads no environment variable', () => {
  it("the machine's OTEL_* and ACME_OTEL_* change neither the spans nor the headers", () => {
    for (const [name, value] of Object.entries({
      OTEL_SDK_DISABLED: 'true',
      OTEL_SERVICE_NAME: 'from-env',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs,team=env',
      OTEL_TRACES_SAMPLER: 'always_off',
      OTEL_PROPAGATORS: 'jaeger',
      OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '10',
      OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '10',
      ACME_OTEL_REDACTION: 'false',
      ACME_OTEL_SPAN_VALUE_COUNT_LIMIT: '1',
    }))
      vi.stubEnv(name, value);
    tracing = setupTestTracing();
    recordLogin();
    const span = tracing.expectSpan('POST /login', {
      attributes: { 'http.request.header.authorization': '[REDACTED]' },
    });
    expect((span.attributes.note as string).length).toBe(16_384);
    expect(span.resource.attributes['service.name']).toBe('test');
    expect(span.resource.attributes.team).toBeUndefined();
    const carrier: Record<string, string> = {};
    trace.getTracer('app').startActiveSpan('call', (s) => {
      propagation.inject(context.active(), carrier);
      s.end();
    });
    expect(Object.keys(carrier).sort()).toEqual([
      'traceparent',
      'x-b3-sampled',
      'x-b3-spanid',
      'x-b3-traceid',
    ]);
    expect(carrier.traceparent).toMatch(/-01$/);
  });
});
