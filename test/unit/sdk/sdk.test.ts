import { context, propagation, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { getTracingHandle, initTracing } from '../../../src/sdk/init.js';
import { tracingToNowhere } from '../../support/otlp-nowhere.js';

const env = { OTEL_NODE_RESOURCE_DETECTORS: 'none' };
let lines: string[] = [];

function resetGlobals() {
  trace.disable();
  context.disable();
  propagation.disable();
}

beforeEach(() => {
  resetGlobals();
  resetLogger();
  lines = [];
  setLogSink((_level, line) => lines.push(line));
});
afterEach(async () => {
  await getTracingHandle()?.shutdown();
  resetGlobals();
  resetLogger();
});

function setup(extra: Parameters<typeof initTracing>[0] = {}) {
  const exporter = new InMemorySpanExporter();
  const tracing = initTracing(
    {
      serviceName: 'svc',
      serviceVersion: '1.2.3',
      environment: 'test',
      exporter,
      handleSignals: false,
      instrumentations: false,
      ...extra,
    },
    env,
  );
  return { exporter, tracing };
}

describe('initTracing', () => {
  it('children of an unsampled parent skip the SDK pass with a named parentbased_* sampler only', () => {
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: 'c'.repeat(32),
      spanId: 'd'.repeat(16),
      traceFlags: 0,
      isRemote: true,
    });
    // The SDK checks the parent's ids for every span it starts; the fast path once per parent.
    const { tracing } = setup();
    const spy = vi.spyOn(trace, 'isSpanContextValid');
    for (let i = 0; i < 3; i++) tracing.tracer.startSpan('child', {}, parent).end();
    expect(spy.mock.calls.length).toBe(1);
    spy.mockRestore();
  });

  it('children of an unsampled parent go through the SDK with a sampler that may ignore the parent', async () => {
    const { tracing, exporter } = setup({ sampler: 'always_on' });
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: 'c'.repeat(32),
      spanId: 'd'.repeat(16),
      traceFlags: 0,
      isRemote: true,
    });
    const spy = vi.spyOn(trace, 'isSpanContextValid');
    for (let i = 0; i < 3; i++) tracing.tracer.startSpan('child', {}, parent).end();
    expect(spy.mock.calls.length).toBeGreaterThanOrEqual(3);
    spy.mockRestore();
    // always_on records them regardless of the parent, as the SDK does.
    await tracing.forceFlush();
    expect(exporter.getFinishedSpans()).toHaveLength(3);
  });

  it('registers a provider whose spans carry the resource and parentage', async () => {
    const { exporter, tracing } = setup({ resourceAttributes: { team: 'payments' } });
    tracing.tracer.startActiveSpan('parent', (parent) => {
      trace.getTracer('lib').startSpan('child').end();
      parent.end();
    });
    await tracing.forceFlush();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['child', 'parent']);
    const [child, parent] = spans;
    expect(child!.parentSpanContext?.spanId).toBe(parent!.spanContext().spanId);
    expect(child!.spanContext().traceId).toBe(parent!.spanContext().traceId);
    const attrs = parent!.resource.attributes;
    expect(attrs['service.name']).toBe('svc');
    expect(attrs['service.version']).toBe('1.2.3');
    expect(attrs['deployment.environment.name']).toBe('test');
    expect(attrs.team).toBe('payments');
    expect(attrs['telemetry.sdk.language']).toBe('nodejs');
    // A version 4 UUID, the same for every span of the process.
    expect(attrs['service.instance.id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(child!.resource.attributes['service.instance.id']).toBe(attrs['service.instance.id']);
    expect(lines.some((l) => /^\[@acme\/otel\] tracing svc@1\.2\.3 \(test\)/.test(l))).toBe(true);
  });

  it('a span that cannot be OTLP-encoded counts as failed and is reported, never silently lost', async () => {
    const tracing = tracingToNowhere();
    const badState = {
      serialize: () => {
        throw new Error('tracestate exploded');
      },
    };
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      traceFlags: 1,
      isRemote: true,
      traceState: badState as never,
    });
    tracing.tracer.startSpan('bad', {}, parent).end();
    expect(tracing.stats()).toMatchObject({ failed: 1, dropped: 0 });
    await tracing.shutdown();
    expect(lines).toContain(
      '[@acme/otel] failed to export 1 span to http://127.0.0.1:9: span "bad" could not be encoded: tracestate exploded',
    );
  });

  // The OTLP queue allocates its arrays at its capacity: OTEL_BSP_MAX_QUEUE_SIZE=4294967296 threw
  // `RangeError: Invalid array length` out of initTracing() (the register entry ran untraced).
  it('a queue size too large to allocate warns and falls back; tracing starts', () => {
    const tracing = tracingToNowhere({}, { OTEL_BSP_MAX_QUEUE_SIZE: String(2 ** 32) });
    expect(tracing.config.batch.maxQueueSize).toBe(4096);
    expect(lines).toContain(
      '[@acme/otel] OTEL_BSP_MAX_QUEUE_SIZE="4294967296" was given, but it is out of range ([1..1048576]), defaulting to 4096.',
    );
    tracing.tracer.startSpan('kept').end();
    expect(tracing.stats()).toMatchObject({ dropped: 0, failed: 0 });
  });

  it('a link with an id the collector cannot decode is dropped from its span, which is kept; said once', async () => {
    const tracing = tracingToNowhere();
    // A link to a context read from elsewhere (a message's header), with a trace id the collector
    // could not decode: it would refuse the whole request, so the link is dropped, not the span.
    const link = { context: { traceId: 'c'.repeat(30), spanId: 'd'.repeat(16), traceFlags: 1 } };
    tracing.tracer.startSpan('bad link', { links: [link] }).end();
    tracing.tracer.startSpan('another', { links: [link] }).end();
    expect(tracing.stats()).toMatchObject({ failed: 0, dropped: 0 });
    const said = lines.filter((l) => l.includes('a link was dropped'));
    expect(said).toEqual([
      `[@acme/otel] span "bad link": a link was dropped (counted in its dropped_links_count), its trace id ` +
        `"${'c'.repeat(30)}" is not 32 hex digits and the collector would refuse the request; ` +
        'further links like it are dropped without a word',
    ]);
    await tracing.shutdown();
  });

  it('runs host/os/process detectors by default and never the cloud ones', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = initTracing(
      { serviceName: 'svc', exporter, handleSignals: false, instrumentations: false },
      {},
    );
    tracing.tracer.startSpan('x').end();
    await tracing.forceFlush();
    const resource = exporter.getFinishedSpans()[0]!.resource;
    await resource.waitForAsyncAttributes?.();
    expect(resource.attributes['host.name']).toBeTypeOf('string');
    expect(resource.attributes['process.pid']).toBe(process.pid);
    expect(resource.attributes['os.type']).toBeTypeOf('string');
    expect(Object.keys(resource.attributes).some((k) => k.startsWith('cloud.'))).toBe(false);
  });

  it('default sampling is ParentBased(AlwaysOn): follows an unsampled parent', async () => {
    const { exporter, tracing } = setup();
    const parent = propagation.extract(ROOT_CONTEXT, {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00',
    });
    tracing.tracer.startSpan('unsampled-child', {}, parent).end();
    tracing.tracer.startSpan('root').end();
    await tracing.forceFlush();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['root']);
  });

  it('sampleRatio gives ParentBased(TraceIdRatio): roughly that share of roots, children follow', async () => {
    const { exporter, tracing } = setup({ sampleRatio: 0.1 });
    for (let i = 0; i < 2000; i++) tracing.tracer.startSpan('root').end();
    const sampledParent = propagation.extract(ROOT_CONTEXT, {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    tracing.tracer.startSpan('child-of-sampled', {}, sampledParent).end();
    await tracing.forceFlush();
    const names = exporter.getFinishedSpans().map((s) => s.name);
    const roots = names.filter((n) => n === 'root').length;
    expect(roots).toBeGreaterThan(120);
    expect(roots).toBeLessThan(300);
    expect(names).toContain('child-of-sampled');
  });

  it('injects tracecontext, baggage and B3 multi by default', () => {
    const { tracing } = setup();
    const carrier: Record<string, string> = {};
    tracing.tracer.startActiveSpan('out', (span) => {
      propagation.inject(context.active(), carrier);
      span.end();
    });
    expect(carrier.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-03$/); // sampled + random
    expect(carrier['x-b3-traceid']).toMatch(/^[0-9a-f]{32}$/);
    expect(carrier['x-b3-spanid']).toMatch(/^[0-9a-f]{16}$/);
    expect(carrier['x-b3-sampled']).toBe('1');
  });

  it('span limits apply', async () => {
    const { exporter, tracing } = setup({
      spanLimits: { attributeCountLimit: 2, attributeValueLengthLimit: 4 },
    });
    const span = tracing.tracer.startSpan('limited');
    span.setAttributes({ a: 'abcdefgh', b: 2, c: 3 });
    span.end();
    await tracing.forceFlush();
    expect(exporter.getFinishedSpans()[0]!.attributes).toEqual({ a: 'abcd', b: 2 });
  });

  it('exposes the effective config with secrets redacted', () => {
    const { tracing } = setup({ headers: { authorization: 'Bearer s3cr3t' } });
    expect(tracing.config.headers).toEqual({ authorization: '[REDACTED]' });
    expect(JSON.stringify(tracing.config)).not.toContain('s3cr3t');
    expect(tracing.config.serviceName).toBe('svc');
  });

  // README, Zero-code: "A startup summary of the effective configuration is printed once at info
  // level (header values [REDACTED]); OTEL_LOG_LEVEL=warn silences it."
  it.each([
    [{}, 1],
    [{ OTEL_LOG_LEVEL: 'warn' }, 0],
  ])(
    'prints the start-up summary once at info, with header values redacted; OTEL_LOG_LEVEL=warn silences it (%o)',
    (level, count) => {
      initTracing(
        {
          serviceName: 'svc',
          exporter: new InMemorySpanExporter(),
          handleSignals: false,
          instrumentations: false,
        },
        { ...env, OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer s3cr3t', ...level },
      );
      const summaries = lines.filter((l) => l.startsWith('[@acme/otel] tracing svc'));
      expect(summaries).toHaveLength(count);
      expect(lines.join('\n')).not.toContain('s3cr3t');
      if (count === 1) expect(summaries[0]).toContain('[REDACTED]');
    },
  );

  it('getTracer returns a named tracer of the same provider', async () => {
    const { exporter, tracing } = setup();
    tracing.getTracer('my-lib', '0.1.0').startSpan('lib-span').end();
    await tracing.forceFlush();
    expect(exporter.getFinishedSpans()[0]!.instrumentationScope).toEqual({
      name: 'my-lib',
      version: '0.1.0',
      schemaUrl: undefined,
    });
  });
});

describe('double init', () => {
  it('a second initTracing warns and returns the first handle', () => {
    const { tracing } = setup();
    const again = initTracing({ serviceName: 'other', instrumentations: false }, env);
    expect(again).toBe(tracing);
    expect(lines.some((l) => l.includes('already initialised'))).toBe(true);
  });

  // A service preloading the register that also calls initTracing({ sampleRatio: 0.1 }) was told
  // only "keeping the first setup", and sampled every trace: the line did not say what was ignored.
  it('a second initTracing names each setting it gives that is not applied, secrets redacted', () => {
    const exporter = new InMemorySpanExporter();
    const first = { serviceName: 'svc', exporter, handleSignals: false, instrumentations: false };
    const tracing = initTracing(first, env);
    initTracing({ ...first, sampleRatio: 0.1, headers: { 'x-api-key': 's3cr3t' } }, env);
    const line = lines.find((l) => l.includes('already initialised'));
    expect(line).toBe(
      '[@acme/otel] initTracing() was called but tracing is already initialised in this process ' +
        '(e.g. --require @acme/otel/register plus initTracing(), or a second call); keeping the first ' +
        'setup; not applied: sampler "parentbased_traceidratio" (running: "parentbased_always_on"), ' +
        'sampleRatio 0.1 (running: 1), headers {"x-api-key":"[REDACTED]"} (running: {})',
    );
    expect(tracing.config.sampleRatio).toBe(1);
    lines = [];
    initTracing(first, env);
    expect(lines.filter((l) => l.includes('not applied'))).toEqual([]);
  });

  it('a second call with a bad option still throws', () => {
    setup();
    expect(() => initTracing({ sampleRatio: 3 }, env)).toThrow(/sampleRatio=3/);
  });

  it('a provider registered by someone else is detected and not replaced', async () => {
    const foreign = new BasicTracerProvider();
    trace.setGlobalTracerProvider(foreign);
    const { exporter, tracing } = setup();
    expect(lines.some((l) => l.includes('another TracerProvider is already registered'))).toBe(true);
    tracing.tracer.startSpan('goes-elsewhere').end();
    await tracing.forceFlush();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });
});

describe('shutdown', () => {
  it('is idempotent: the same promise every call, and releases the globals', async () => {
    const { tracing } = setup();
    const a = tracing.shutdown();
    const b = tracing.shutdown();
    expect(a).toBe(b);
    await a;
    expect(getTracingHandle()).toBeUndefined();
    // and the process can initialise again
    const { tracing: second } = setup();
    expect(second).not.toBe(tracing);
  });

  it('flushes pending spans', async () => {
    // InMemorySpanExporter forgets its spans on shutdown, so record what reaches export().
    const exported: string[] = [];
    const exporter = new InMemorySpanExporter();
    const original = exporter.export.bind(exporter);
    exporter.export = (spans, done) => {
      exported.push(...spans.map((s) => s.name));
      original(spans, done);
    };
    const tracing = initTracing(
      {
        serviceName: 'svc',
        exporter,
        handleSignals: false,
        instrumentations: false,
        batch: { scheduledDelayMillis: 60_000 },
      },
      env,
    );
    tracing.tracer.startSpan('pending').end();
    expect(exported).toEqual([]);
    await tracing.shutdown();
    expect(exported).toEqual(['pending']);
  });

  it('is time-boxed when the exporter hangs, and never rejects', async () => {
    const hung = {
      export: () => undefined, // never calls back
      shutdown: () => new Promise<void>(() => undefined),
      forceFlush: () => new Promise<void>(() => undefined),
    };
    const tracing = initTracing(
      {
        serviceName: 'svc',
        exporter: hung,
        handleSignals: false,
        instrumentations: false,
        shutdownTimeoutMillis: 200,
      },
      env,
    );
    tracing.tracer.startSpan('stuck').end();
    const started = Date.now();
    await expect(tracing.shutdown()).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_500);
    // The batch processor gives up inside the bound, so the loss is counted and reported, with
    // its cause (a custom exporter's losses go through the drop reporter too).
    expect(tracing.stats()).toMatchObject({ failed: 1, exported: 0 });
    // Said once: the one loss line, with no summary repeating it.
    expect(lines.slice(1)).toEqual([
      '[@acme/otel] failed to export 1 span: shutdown timed out before the spans were exported',
    ]);
  });

  it('is time-boxed when a user span processor hangs in shutdown, and says so', async () => {
    const tracing = initTracing(
      {
        serviceName: 'svc',
        exporter: 'none',
        handleSignals: false,
        instrumentations: false,
        shutdownTimeoutMillis: 200,
        spanProcessors: [
          {
            onStart: () => undefined,
            onEnd: () => undefined,
            forceFlush: () => Promise.resolve(),
            shutdown: () => new Promise<void>(() => undefined),
          },
        ],
      },
      env,
    );
    const started = Date.now();
    await expect(tracing.shutdown()).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(lines.some((l) => l.includes('shutdown did not finish within 200 ms'))).toBe(true);
  });
});

describe('disabled', () => {
  it('OTEL_SDK_DISABLED=true registers nothing and hands out no-op tracers', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = initTracing({ exporter, instrumentations: false }, { ...env, OTEL_SDK_DISABLED: 'true' });
    const span = tracing.tracer.startSpan('nothing');
    expect(span.isRecording()).toBe(false);
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    await tracing.shutdown();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    expect(lines.some((l) => l.includes('tracing is disabled'))).toBe(true);
  });
});

describe('W3C Level 2 random-trace-id flag and B3 sampling-only headers', () => {
  it('roots we start carry the random flag (0x02), and it survives a hop', () => {
    setup();
    const out: Record<string, string> = {};
    trace.getTracer('t').startActiveSpan('root', (span) => {
      propagation.inject(context.active(), out);
      span.end();
    });
    expect(out.traceparent).toMatch(/-03$/);

    const incoming = propagation.extract(ROOT_CONTEXT, {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03',
    });
    const next: Record<string, string> = {};
    context.with(incoming, () =>
      trace.getTracer('t').startActiveSpan('server', (span) => {
        trace.getTracer('t').startActiveSpan('client', (client) => {
          propagation.inject(context.active(), next);
          client.end();
        });
        span.end();
      }),
    );
    expect(next.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-03$/);
  });

  it('a caller without the flag is not given one', () => {
    setup();
    const incoming = propagation.extract(ROOT_CONTEXT, {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    const next: Record<string, string> = {};
    context.with(incoming, () =>
      trace.getTracer('t').startActiveSpan('server', (span) => {
        propagation.inject(context.active(), next);
        span.end();
      }),
    );
    expect(next.traceparent).toMatch(/-01$/);
  });

  it('honours a B3 sampling-only deny (b3: 0) and accept (b3: 1) under ParentBased ratio 0', async () => {
    const { exporter, tracing } = setup({ sampleRatio: 0 });
    const deny = propagation.extract(ROOT_CONTEXT, { b3: '0' });
    const accept = propagation.extract(ROOT_CONTEXT, { b3: '1' });
    tracing.tracer.startSpan('denied', {}, deny).end();
    tracing.tracer.startSpan('accepted', {}, accept).end();
    tracing.tracer.startSpan('by-ratio', {}, ROOT_CONTEXT).end();
    await tracing.forceFlush();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['accepted']);
  });
});

describe('one-by-one exporters (console, waterfall)', () => {
  // Upstream SimpleSpanProcessor.shutdown() does not wait for exports still pending (e.g. on the
  // resource's async detector attributes), so without our wrapper these spans were lost.
  it('lose nothing on shutdown while the resource is still resolving', async () => {
    const printed: string[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    };
    try {
      const tracing = initTracing(
        {
          serviceName: 'svc',
          exporter: 'console',
          resourceDetectors: ['host'],
          handleSignals: false,
          instrumentations: false,
        },
        {},
      );
      tracing.tracer.startSpan('printed-before-exit').end();
      await tracing.shutdown();
    } finally {
      console.log = original;
    }
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain("name: 'printed-before-exit'");
  });
});
