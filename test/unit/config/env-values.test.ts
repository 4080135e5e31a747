// resolveConfig with bad environment values: one warning each, naming the variable, the value
// and the fallback, and the setting falls back (never a throw: the register entry must start).
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/resolve.js';
import { base, captureWarnings } from './capture.js';

const warnings = captureWarnings();

describe('bad env values warn once, naming variable, value and fallback', () => {
  const rows: [Record<string, string>, RegExp, (c: ReturnType<typeof resolveConfig>) => unknown, unknown][] =
    [
      // Issue 21: a bad signal-specific value falls through to the general one, and says so.
      [
        { OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '-5', OTEL_EXPORTER_OTLP_TIMEOUT: '7000' },
        /^\[@acme\/otel\] OTEL_EXPORTER_OTLP_TRACES_TIMEOUT="-5" was given, but it is out of range \(\[1\.\.2147483647\]\), defaulting to 7000 \(from OTEL_EXPORTER_OTLP_TIMEOUT\)\.$/,
        (c) => c.exportTimeoutMillis,
        7000,
      ],
      [
        { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'udp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
        /OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="udp" was given, .*, defaulting to http\/protobuf \(from OTEL_EXPORTER_OTLP_PROTOCOL\)\.$/,
        (c) => c.protocol,
        'http/protobuf',
      ],
      [
        {
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318/',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        },
        /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="collector" was given, .*, defaulting to http:\/\/otel:4318\/v1\/traces \(from OTEL_EXPORTER_OTLP_ENDPOINT\)\.$/,
        (c) => c.endpoint,
        'http://otel:4318/v1/traces',
      ],
      [
        { OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: 'abc' },
        /OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT="abc" was given, but it is not a number, defaulting to 16384\.$/,
        (c) => c.spanLimits.attributeValueLengthLimit,
        16_384,
      ],
      [
        { OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: 'lots' },
        /OTEL_BSP_MAX_EXPORT_BATCH_SIZE="lots" was given, but it is not a number, defaulting to 100\.$/,
        (c) => c.batch.maxExportBatchSize,
        100,
      ],
      [
        { OTEL_NODE_RESOURCE_DETECTORS: 'moon' },
        /OTEL_NODE_RESOURCE_DETECTORS="moon" was given, but "moon" is not one of .*, defaulting to env,host,os,process,container\.$/,
        (c) => c.resourceDetectors,
        ['env', 'host', 'os', 'process', 'container'],
      ],
      [
        { OTEL_TRACES_SAMPLER_ARG: '1.7', OTEL_TRACES_SAMPLER: 'traceidratio' },
        /OTEL_TRACES_SAMPLER_ARG="1.7" was given, but it is out of range \(\[0..1\]\), defaulting to 1\./,
        (c) => c.sampleRatio,
        1,
      ],
      [
        { OTEL_TRACES_SAMPLER_ARG: 'half', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' },
        /OTEL_TRACES_SAMPLER_ARG="half" was given, but it is not a number, defaulting to 1/,
        (c) => c.sampleRatio,
        1,
      ],
      [
        { OTEL_TRACES_SAMPLER: 'sometimes' },
        /OTEL_TRACES_SAMPLER="sometimes" was given, but it is not one of .*defaulting to parentbased_always_on/,
        (c) => c.sampler,
        'parentbased_always_on',
      ],
      [
        { OTEL_TRACES_SAMPLER: 'jaeger_remote' },
        /not supported by @acme\/otel/,
        (c) => c.sampler,
        'parentbased_always_on',
      ],
      [
        { OTEL_PROPAGATORS: 'tracecontext,xray' },
        /OTEL_PROPAGATORS="tracecontext,xray" was given, but "xray" is not one of .*, using tracecontext\.$/,
        (c) => c.propagators,
        ['tracecontext'],
      ],
      [
        { OTEL_PROPAGATORS: 'foo' },
        /OTEL_PROPAGATORS="foo" was given, but "foo" is not one of .*, defaulting to tracecontext,baggage,b3multi\.$/,
        (c) => c.propagators,
        ['tracecontext', 'baggage', 'b3multi'],
      ],
      [
        { OTEL_TRACES_EXPORTER: 'zipkin' },
        /OTEL_TRACES_EXPORTER="zipkin" was given, but "zipkin" is not one of .*, defaulting to otlp\.$/,
        (c) => c.exporters,
        ['otlp'],
      ],
      [
        { OTEL_TRACES_EXPORTER: 'console,none' },
        /"none" is combined with other exporters, exporting nothing/,
        (c) => c.exporters,
        ['none'],
      ],
      [
        // The signal path appended to a URL that already had it: every export a 404.
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318/v1/traces/',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        },
        /OTEL_EXPORTER_OTLP_ENDPOINT="http:\/\/otel:4318\/v1\/traces\/" was given, but it already ends with \/v1\/traces, which is appended to this variable for OTLP\/HTTP \(to http:\/\/otel:4318\/v1\/traces\/v1\/traces\); .*, defaulting to http:\/\/otel:4318\/v1\/traces\.$/,
        (c) => c.endpoint,
        'http://otel:4318/v1/traces',
      ],
      [
        // Used as given (the spec), but said: a Collector answers 404 at the root.
        {
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://otel:4318',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        },
        /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="http:\/\/otel:4318" has no path, and it is used as given .* add \/v1\/traces if yours does$/,
        (c) => c.endpoint,
        'http://otel:4318',
      ],
      [
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' },
        /OTEL_EXPORTER_OTLP_ENDPOINT="not a url" was given, but it is not a valid http\(s\) URL, defaulting to http:\/\/localhost:4317/,
        (c) => c.endpoint,
        'http://localhost:4317',
      ],
      [
        { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://https://collector:4317' },
        /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="https:\/\/https:\/\/collector:4317" was given, but it is not a valid http\(s\) URL/,
        (c) => c.endpoint,
        'http://localhost:4317',
      ],
      // Port 0 (nothing listens there) was taken without a word, and every export then failed.
      [
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:0' },
        /^\[@acme\/otel\] OTEL_EXPORTER_OTLP_ENDPOINT="http:\/\/localhost:0" was given, but its port is 0, where no collector can listen, defaulting to http:\/\/localhost:4317\.$/,
        (c) => c.endpoint,
        'http://localhost:4317',
      ],
      [
        {
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector:00/v1/traces',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        },
        /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="https:\/\/collector:00\/v1\/traces" was given, but its port is 0, where no collector can listen, defaulting to http:\/\/otel:4318\/v1\/traces \(from OTEL_EXPORTER_OTLP_ENDPOINT\)\.$/,
        (c) => c.endpoint,
        'http://otel:4318/v1/traces',
      ],
      [
        { OTEL_EXPORTER_OTLP_PROTOCOL: 'carrier-pigeon' },
        /OTEL_EXPORTER_OTLP_PROTOCOL="carrier-pigeon".*defaulting to grpc/,
        (c) => c.protocol,
        'grpc',
      ],
      [
        { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
        /http\/json is not supported.*defaulting to http\/protobuf/,
        (c) => c.protocol,
        'http/protobuf',
      ],
      [
        { OTEL_EXPORTER_OTLP_TIMEOUT: '-5' },
        /OTEL_EXPORTER_OTLP_TIMEOUT="-5" was given, but it is out of range.*defaulting to 10000/,
        (c) => c.exportTimeoutMillis,
        10_000,
      ],
      [
        { OTEL_EXPORTER_OTLP_COMPRESSION: 'brotli' },
        /OTEL_EXPORTER_OTLP_COMPRESSION="brotli".*defaulting to none/,
        (c) => c.compression,
        'none',
      ],
      [
        { OTEL_EXPORTER_OTLP_HEADERS: 'a=1,oops' },
        /OTEL_EXPORTER_OTLP_HEADERS="a=\[REDACTED\],\[REDACTED\]" was given, but the entry 2 \(\[REDACTED\]\) is not key=value, ignoring that entry/,
        (c) => c.headers,
        { a: '1' },
      ],
      [
        // Every bad entry named, in the one line (the second used to go unsaid).
        // Header values are secrets: keys shown, values and keyless entries not (entries by position).
        { OTEL_EXPORTER_OTLP_HEADERS: 'a=1,=d,e=%zz,oops' },
        /OTEL_EXPORTER_OTLP_HEADERS="a=\[REDACTED\],\[REDACTED\],e=\[REDACTED\],\[REDACTED\]" was given, but the entry 2 \(\[REDACTED\]\) is not key=value, ignoring that entry; the value of e is not valid percent-encoding, using it undecoded; the entry 4 \(\[REDACTED\]\) is not key=value, ignoring that entry\.$/,
        (c) => c.headers,
        { a: '1', e: '%zz' },
      ],
      [
        { OTEL_RESOURCE_ATTRIBUTES: 'b,' + Array.from({ length: 12 }, (_, i) => `=${i}`).join(',') + ',k=v' },
        /OTEL_RESOURCE_ATTRIBUTES=.* was given, but the entry "b" is not key=value, ignoring that entry; (the entry "=\d+" is not key=value, ignoring that entry; ){7}and 5 more such entries\.$/,
        (c) => c.resourceAttributes?.k,
        'v',
      ],
      [
        { OTEL_BSP_MAX_QUEUE_SIZE: '1.5' },
        /OTEL_BSP_MAX_QUEUE_SIZE="1.5" was given, but it is not a whole number, defaulting to 4096/,
        (c) => c.batch.maxQueueSize,
        4096,
      ],
      // The queue's arrays are allocated at its capacity: 2^32 spans and more threw `RangeError:
      // Invalid array length` out of initTracing(), and the register entry ran the app untraced.
      [
        { OTEL_BSP_MAX_QUEUE_SIZE: '99999999999999999999' },
        /OTEL_BSP_MAX_QUEUE_SIZE="99999999999999999999" was given, but it is out of range \(\[1\.\.1048576\]\), defaulting to 4096\.$/,
        (c) => c.batch.maxQueueSize,
        4096,
      ],
      [
        { ACME_OTEL_MAX_QUEUE_BYTES: '1000' },
        /ACME_OTEL_MAX_QUEUE_BYTES="1000" was given, but it is out of range \(\[65536\.\.∞\]\), defaulting to 67108864/,
        (c) => c.batch.maxQueueBytes,
        64 * 1024 * 1024,
      ],
      [
        { OTEL_BSP_MAX_QUEUE_SIZE: '10', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '20' },
        /OTEL_BSP_MAX_EXPORT_BATCH_SIZE="20".*exceeds the queue size \(10\), defaulting to 10/,
        (c) => c.batch.maxExportBatchSize,
        10,
      ],
      [
        { OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: 'many' },
        /OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT="many".*defaulting to 128/,
        (c) => c.spanLimits.attributeCountLimit,
        128,
      ],
      [
        { ACME_OTEL_HTTP_FAST_PATH: 'off' },
        /ACME_OTEL_HTTP_FAST_PATH="off" was given, but it is not "true" or "false", defaulting to true/,
        (c) => c.httpServerFastPath,
        true,
      ],
      [
        { OTEL_SDK_DISABLED: 'yes' },
        /OTEL_SDK_DISABLED="yes" was given, but it is not "true" or "false", defaulting to false/,
        (c) => c.disabled,
        false,
      ],
      [{ OTEL_LOG_LEVEL: 'loud' }, /OTEL_LOG_LEVEL="loud".*defaulting to info/, (c) => c.logLevel, 'info'],
      [
        // Upstream ignores it silently: the ratio alone traced everything.
        { OTEL_TRACES_SAMPLER_ARG: '0.1' },
        /OTEL_TRACES_SAMPLER_ARG="0\.1" was given, but the sampler parentbased_always_on takes no argument, ignoring it \(a ratio needs OTEL_TRACES_SAMPLER=parentbased_traceidratio, or sampleRatio in code\)\.$/,
        (c) => c.sampler,
        'parentbased_always_on',
      ],
      [
        { OTEL_TRACES_SAMPLER: 'always_off', OTEL_TRACES_SAMPLER_ARG: '0.5' },
        /OTEL_TRACES_SAMPLER_ARG="0\.5" was given, but the sampler always_off takes no argument/,
        (c) => c.sampler,
        'always_off',
      ],
      [
        // One line, the true one: "not a number, defaulting to 1" came first, for a value never read.
        { OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: 'NaN' },
        /OTEL_TRACES_SAMPLER_ARG="NaN" was given, but the sampler always_on takes no argument/,
        (c) => c.sampler,
        'always_on',
      ],
      [
        { OTEL_NODE_RESOURCE_DETECTORS: 'host,moon' },
        /OTEL_NODE_RESOURCE_DETECTORS="host,moon" was given, but "moon" is not one of .*, using host\.$/,
        (c) => c.resourceDetectors,
        ['host'],
      ],
    ];
  for (const [env, message, pick, fallback] of rows) {
    it(`${Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`, () => {
      const config = resolveConfig({}, { ...base, ...env });
      expect(pick(config)).toEqual(fallback);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^\[@acme\/otel\] /);
      expect(warnings[0]).toMatch(message);
      // once: resolving again does not repeat the warning
      resolveConfig({}, { ...base, ...env });
      expect(warnings).toHaveLength(1);
    });
  }
});

// OTEL_EXPORTER_OTLP_HEADERS holds the collector's credentials (`x-honeycomb-team=…`,
// `authorization=Bearer …`); one bad entry made the warning quote the whole value, and the log
// scrubber knows no vendor's header names, so the key went to stderr as given.
describe('a bad OTLP headers value is named without its secrets', () => {
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
    it(name, () => {
      const config = resolveConfig(
        {},
        { ...base, [name]: 'x-honeycomb-team=hc1secretKey99,x-tenant=t3nant%zz,BareT0ken42' },
      );
      expect(config.headers).toEqual({ 'x-honeycomb-team': 'hc1secretKey99', 'x-tenant': 't3nant%zz' });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(
        `${name}="x-honeycomb-team=[REDACTED],x-tenant=[REDACTED],[REDACTED]" was given, but the value of x-tenant`,
      );
      expect(warnings[0]).toContain('the entry 3 ([REDACTED]) is not key=value');
      for (const secret of ['hc1secretKey99', 't3nant', 'BareT0ken42'])
        expect(warnings[0]).not.toContain(secret);
    });
  }
});

// A bad endpoint is quoted in its warning, and the log scrubber finds userinfo only in a URL it can
// read: `https//user:<password>@collector` (a typo) or `user:<password>@collector:4317` (no scheme)
// went to stderr whole.
describe('a bad OTLP endpoint is named without its userinfo', () => {
  const shapes = [
    ['https//ops:pw5ecret@collector:4317', 'https//REDACTED@collector:4317'],
    ['ops:pw5ecret@collector:4317', 'REDACTED@collector:4317'],
    ['collector:4317/pw5ecret@', 'REDACTED@'],
  ];
  it.each(
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'].flatMap((name) =>
      shapes.map(([value, shown]) => [name, value!, shown!] as const),
    ),
  )('%s=%s', (name, value, shown) => {
    const config = resolveConfig({}, { ...base, [name]: value });
    expect(config.endpoint).toBe('http://localhost:4317');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      `${name}=${JSON.stringify(shown)} was given, but it is not a valid http(s) URL`,
    );
    expect(warnings[0]).not.toContain('pw5ecret');
  });
});

// Headers past what collectors and proxies take (HTTP 431, a refused gRPC stream) failed every
// export, over gRPC named as an unreachable collector, without a word about their size.
describe('OTLP headers too large for collectors', () => {
  it('warn once at start with their size, and are sent as given', () => {
    const big = 'a'.repeat(9000);
    const config = resolveConfig({}, { ...base, OTEL_EXPORTER_OTLP_HEADERS: `x-big=${big}` });
    expect(config.headers['x-big']).toBe(big);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^\[@acme\/otel\] OTLP headers \(OTEL_EXPORTER_OTLP_HEADERS, .*\) come to 9009 bytes: collectors and proxies commonly refuse more than 8192 .*; sending them as given$/,
      ),
    ]);
  });

  it('say nothing at a usual size', () => {
    resolveConfig({}, { ...base, OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${'t'.repeat(2000)}` });
    expect(warnings).toEqual([]);
  });
});

// The specification has `,` and `=` in keys percent-encoded as in values, and upstream decodes both;
// we decoded values only: `team%2Ename=a` became the resource attribute `team%2Ename`, silently.
describe('percent-encoded keys are decoded, as upstream decodes them', () => {
  it('OTEL_RESOURCE_ATTRIBUTES', () => {
    const config = resolveConfig(
      {},
      { ...base, OTEL_RESOURCE_ATTRIBUTES: 'team%2Ename=a%2Cb,k%3Dx=v,caf%C3%A9=1,plain=2' },
    );
    expect(config.resourceAttributes).toEqual({ 'team.name': 'a,b', 'k=x': 'v', café: '1', plain: '2' });
    expect(warnings).toEqual([]);
  });

  it('OTEL_EXPORTER_OTLP_HEADERS', () => {
    const config = resolveConfig({}, { ...base, OTEL_EXPORTER_OTLP_HEADERS: 'x%2Dtenant=t1' });
    expect(config.headers).toEqual({ 'x-tenant': 't1' });
  });

  it('a key that does not decode is used as given, and said', () => {
    const config = resolveConfig({}, { ...base, OTEL_RESOURCE_ATTRIBUTES: 'k%zz=v,ok=1' });
    expect(config.resourceAttributes).toEqual({ 'k%zz': 'v', ok: '1' });
    expect(warnings).toEqual([
      expect.stringMatching(
        /OTEL_RESOURCE_ATTRIBUTES="k%zz=v,ok=1" was given, but the key k%zz is not valid percent-encoding, using it undecoded\.$/,
      ),
    ]);
  });
});
