import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeConfig, summaryLine } from '../src/config/describe.js';
import { resolveConfig } from '../src/config/resolve.js';
import { resetLogger, setLogSink } from '../src/diag/log.js';
import { isTracingConfigError, TracingConfigError } from '../src/errors.js';
import type { TracingOptions } from '../src/types.js';

let warnings: string[] = [];
beforeEach(() => {
  resetLogger();
  warnings = [];
  setLogSink((level, line) => {
    if (level === 'warn') warnings.push(line);
  });
});
afterEach(() => resetLogger());

const base = { OTEL_NODE_RESOURCE_DETECTORS: 'none' };

describe('precedence: code > env > defaults', () => {
  const rows: [
    string,
    TracingOptions,
    Record<string, string>,
    (c: ReturnType<typeof resolveConfig>) => unknown,
    unknown,
  ][] = [
    ['serviceName default', {}, {}, (c) => c.serviceName, '@acme/otel'],
    [
      'serviceName from OTEL_RESOURCE_ATTRIBUTES',
      {},
      { OTEL_RESOURCE_ATTRIBUTES: 'service.name=ra' },
      (c) => c.serviceName,
      'ra',
    ],
    [
      'OTEL_SERVICE_NAME beats OTEL_RESOURCE_ATTRIBUTES',
      {},
      { OTEL_SERVICE_NAME: 'env', OTEL_RESOURCE_ATTRIBUTES: 'service.name=ra' },
      (c) => c.serviceName,
      'env',
    ],
    [
      'code beats OTEL_SERVICE_NAME',
      { serviceName: 'code' },
      { OTEL_SERVICE_NAME: 'env' },
      (c) => c.serviceName,
      'code',
    ],
    [
      'serviceVersion from env attributes',
      {},
      { OTEL_RESOURCE_ATTRIBUTES: 'service.version=9.9.9' },
      (c) => c.serviceVersion,
      '9.9.9',
    ],
    ['environment from NODE_ENV', {}, { NODE_ENV: 'staging' }, (c) => c.environment, 'staging'],
    [
      'environment from resource attributes beats NODE_ENV',
      {},
      { NODE_ENV: 'staging', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod' },
      (c) => c.environment,
      'prod',
    ],
    [
      'environment code',
      { environment: 'production' },
      { NODE_ENV: 'dev' },
      (c) => c.environment,
      'production',
    ],
    ['sampler default', {}, {}, (c) => c.sampler, 'parentbased_always_on'],
    ['sampler env', {}, { OTEL_TRACES_SAMPLER: 'always_off' }, (c) => c.sampler, 'always_off'],
    [
      'sampler env is case-insensitive',
      {},
      { OTEL_TRACES_SAMPLER: 'TraceIdRatio' },
      (c) => c.sampler,
      'traceidratio',
    ],
    [
      'sampleRatio in code implies parentbased ratio',
      { sampleRatio: 0.1 },
      { OTEL_TRACES_SAMPLER: 'always_on' },
      (c) => [c.sampler, c.sampleRatio],
      ['parentbased_traceidratio', 0.1],
    ],
    [
      'sampler arg env',
      {},
      { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' },
      (c) => c.sampleRatio,
      0.25,
    ],
    ['propagators default', {}, {}, (c) => c.propagators, ['tracecontext', 'baggage', 'b3multi']],
    ['propagators env', {}, { OTEL_PROPAGATORS: 'b3multi' }, (c) => c.propagators, ['b3multi']],
    [
      'propagators env none wins',
      {},
      { OTEL_PROPAGATORS: 'tracecontext,none' },
      (c) => c.propagators,
      ['none'],
    ],
    [
      'propagators code',
      { propagators: ['b3'] },
      { OTEL_PROPAGATORS: 'jaeger' },
      (c) => c.propagators,
      ['b3'],
    ],
    ['exporter default', {}, {}, (c) => c.exporters, ['otlp']],
    [
      'exporter env list',
      {},
      { OTEL_TRACES_EXPORTER: 'otlp,console' },
      (c) => c.exporters,
      ['otlp', 'console'],
    ],
    [
      'exporter code',
      { exporter: 'none' },
      { OTEL_TRACES_EXPORTER: 'console' },
      (c) => c.exporters,
      ['none'],
    ],
    ['endpoint default grpc', {}, {}, (c) => c.endpoint, 'http://localhost:4317'],
    [
      'endpoint default http',
      {},
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
      (c) => c.endpoint,
      'http://localhost:4318/v1/traces',
    ],
    [
      'endpoint base env grpc as is',
      {},
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317' },
      (c) => c.endpoint,
      'http://collector:4317',
    ],
    [
      'endpoint base env http gets /v1/traces',
      {},
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' },
      (c) => c.endpoint,
      'http://c:4318/v1/traces',
    ],
    [
      'traces endpoint beats base',
      {},
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4317', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4317' },
      (c) => c.endpoint,
      'http://b:4317',
    ],
    [
      'endpoint code',
      { endpoint: 'http://code:4317' },
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4317' },
      (c) => c.endpoint,
      'http://code:4317',
    ],
    [
      'traces protocol beats general',
      {},
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' },
      (c) => c.protocol,
      'http/protobuf',
    ],
    [
      'headers merged env < traces env < code',
      { headers: { c: '3' } },
      { OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=x', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=2' },
      (c) => c.headers,
      { a: '1', b: '2', c: '3' },
    ],
    [
      'headers percent-decoded',
      {},
      { OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc' },
      (c) => c.headers,
      { authorization: 'Bearer abc' },
    ],
    ['timeout default', {}, {}, (c) => c.exportTimeoutMillis, 10_000],
    ['timeout env', {}, { OTEL_EXPORTER_OTLP_TIMEOUT: '2500' }, (c) => c.exportTimeoutMillis, 2500],
    [
      'traces timeout beats general',
      {},
      { OTEL_EXPORTER_OTLP_TIMEOUT: '2500', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '700' },
      (c) => c.exportTimeoutMillis,
      700,
    ],
    ['compression env', {}, { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' }, (c) => c.compression, 'gzip'],
    [
      'bsp defaults',
      {},
      {},
      (c) => c.batch,
      { maxQueueSize: 4096, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30000 },
    ],
    [
      'bsp env',
      {},
      {
        OTEL_BSP_MAX_QUEUE_SIZE: '100',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_BSP_EXPORT_TIMEOUT: '900',
      },
      (c) => c.batch,
      { maxQueueSize: 100, maxExportBatchSize: 10, scheduledDelayMillis: 50, exportTimeoutMillis: 900 },
    ],
    [
      'bsp code beats env',
      { batch: { maxQueueSize: 5 } },
      { OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '3' },
      (c) => [c.batch.maxQueueSize, c.batch.maxExportBatchSize],
      [5, 3],
    ],
    [
      'span attribute count limit',
      {},
      { OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '7', OTEL_ATTRIBUTE_COUNT_LIMIT: '9' },
      (c) => c.spanLimits.attributeCountLimit,
      7,
    ],
    [
      'general attribute count limit',
      {},
      { OTEL_ATTRIBUTE_COUNT_LIMIT: '9' },
      (c) => c.spanLimits.attributeCountLimit,
      9,
    ],
    [
      'attribute value length limit',
      {},
      { OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '64' },
      (c) => c.spanLimits.attributeValueLengthLimit,
      64,
    ],
    ['attribute value length default', {}, {}, (c) => c.spanLimits.attributeValueLengthLimit, 16_384],
    ['disabled env', {}, { OTEL_SDK_DISABLED: 'TRUE' }, (c) => c.disabled, true],
    ['disabled code beats env', { disabled: false }, { OTEL_SDK_DISABLED: 'true' }, (c) => c.disabled, false],
    ['log level env', {}, { OTEL_LOG_LEVEL: 'DEBUG' }, (c) => c.logLevel, 'debug'],
    [
      'ignore paths env',
      {},
      { ACME_OTEL_IGNORE_PATHS: '/up, /alive' },
      (c) => c.ignoreIncomingPaths,
      ['/up', '/alive'],
    ],
    ['redaction off by env', {}, { ACME_OTEL_REDACTION: 'false' }, (c) => c.redaction, false],
    [
      'db statement mode env',
      {},
      { ACME_OTEL_REDACT_DB_STATEMENT: 'hash' },
      (c) => (c.redaction ? c.redaction.dbStatement : 'off'),
      'hash',
    ],
    ['handle signals env', {}, { ACME_OTEL_HANDLE_SIGNALS: 'false' }, (c) => c.handleSignals, false],
    ['gc tuning default', {}, {}, (c) => c.gcTuning, true],
    ['gc tuning env', {}, { ACME_OTEL_GC_TUNING: 'false' }, (c) => c.gcTuning, false],
    [
      'gc tuning code beats env',
      { gcTuning: true },
      { ACME_OTEL_GC_TUNING: 'false' },
      (c) => c.gcTuning,
      true,
    ],
    ['http fast path default', {}, {}, (c) => c.httpServerFastPath, true],
    ['http fast path env', {}, { ACME_OTEL_HTTP_FAST_PATH: 'false' }, (c) => c.httpServerFastPath, false],
    [
      'http fast path code beats env',
      { httpServerFastPath: true },
      { ACME_OTEL_HTTP_FAST_PATH: 'false' },
      (c) => c.httpServerFastPath,
      true,
    ],
    [
      'shutdown timeout env',
      {},
      { ACME_OTEL_SHUTDOWN_TIMEOUT: '1500' },
      (c) => c.shutdownTimeoutMillis,
      1500,
    ],
    [
      'detectors default',
      {},
      { OTEL_NODE_RESOURCE_DETECTORS: '' },
      (c) => c.resourceDetectors,
      ['env', 'host', 'os', 'process', 'container'],
    ],
    [
      'detectors all includes cloud',
      {},
      { OTEL_NODE_RESOURCE_DETECTORS: 'all' },
      (c) => c.resourceDetectors.includes('aws'),
      true,
    ],
    [
      'user resource attributes merged over env',
      { resourceAttributes: { team: 'b' } },
      { OTEL_RESOURCE_ATTRIBUTES: 'team=a,tier=1' },
      (c) => c.resourceAttributes,
      { team: 'b', tier: '1' },
    ],
    [
      'blank env counts as unset',
      {},
      { OTEL_SERVICE_NAME: '   ', OTEL_TRACES_SAMPLER: '' },
      (c) => [c.serviceName, c.sampler],
      ['@acme/otel', 'parentbased_always_on'],
    ],
  ];
  for (const [name, options, env, pick, expected] of rows) {
    it(name, () => {
      expect(pick(resolveConfig(options, { ...base, ...env }))).toEqual(expected);
      expect(warnings).toEqual([]);
    });
  }

  it('returns a frozen object', () => {
    const config = resolveConfig({}, base);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.batch)).toBe(true);
  });

  it('does not read process.env when an env object is given', () => {
    process.env.OTEL_SERVICE_NAME = 'from-process-env';
    try {
      expect(resolveConfig({}, { ...base, OTEL_SERVICE_NAME: 'injected' }).serviceName).toBe('injected');
    } finally {
      delete process.env.OTEL_SERVICE_NAME;
    }
  });
});

describe('bad env values warn once, naming variable, value and fallback', () => {
  const rows: [Record<string, string>, RegExp, (c: ReturnType<typeof resolveConfig>) => unknown, unknown][] =
    [
      // Issue 21: a bad signal-specific value falls through to the general one, and says so.
      [
        { OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '-5', OTEL_EXPORTER_OTLP_TIMEOUT: '7000' },
        /^\[@acme\/otel\] OTEL_EXPORTER_OTLP_TRACES_TIMEOUT="-5" was given, but it is out of range \(\[1\.\.∞\]\), defaulting to 7000 \(from OTEL_EXPORTER_OTLP_TIMEOUT\)\.$/,
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
        { OTEL_TRACES_SAMPLER_ARG: 'half' },
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
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' },
        /OTEL_EXPORTER_OTLP_ENDPOINT="not a url" was given, but it is not an http\(s\) URL, defaulting to http:\/\/localhost:4317/,
        (c) => c.endpoint,
        'http://localhost:4317',
      ],
      [
        { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://https://collector:4317' },
        /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="https:\/\/https:\/\/collector:4317" was given, but it is not an http\(s\) URL/,
        (c) => c.endpoint,
        'http://localhost:4317',
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
        /OTEL_EXPORTER_OTLP_HEADERS=.*"oops" is not key=value, ignoring that entry/,
        (c) => c.headers,
        { a: '1' },
      ],
      [
        { OTEL_BSP_MAX_QUEUE_SIZE: '1.5' },
        /OTEL_BSP_MAX_QUEUE_SIZE="1.5" was given, but it is not a whole number, defaulting to 4096/,
        (c) => c.batch.maxQueueSize,
        4096,
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

describe('bad code options throw TracingConfigError naming option, value and what is allowed', () => {
  const rows: [TracingOptions | Record<string, unknown>, string, RegExp][] = [
    [{ sampleRatio: 1.5 }, 'sampleRatio', /invalid option sampleRatio=1\.5: expected a number in \[0, 1\]/],
    [{ sampleRatio: -0.1 }, 'sampleRatio', /sampleRatio=-0\.1/],
    [
      { sampler: 'sometimes' },
      'sampler',
      /sampler="sometimes": expected one of "always_on", .*or a Sampler object/,
    ],
    [{ propagators: ['w3c'] }, 'propagators[0]', /propagators\[0\]="w3c": expected one of "tracecontext"/],
    [{ propagators: 'tracecontext' }, 'propagators', /expected an array/],
    [
      { exporter: 'zipkin' },
      'exporter',
      /exporter="zipkin": expected one of "otlp", "console", "waterfall", "none"/,
    ],
    [{ exporter: { export: 1 } }, 'exporter', /or a SpanExporter object/],
    [
      { endpoint: 'localhost:4317' },
      'endpoint',
      /endpoint="localhost:4317": expected an http:\/\/ or https:\/\/ URL/,
    ],
    [{ endpoint: 'ftp://x' }, 'endpoint', /expected an http/],
    [
      { endpoint: 'http://http://collector:4317' },
      'endpoint',
      /endpoint="http:\/\/http:\/\/collector:4317": expected an http:\/\/ or https:\/\/ URL/,
    ],
    [
      { exportTimeoutMillis: -1 },
      'exportTimeoutMillis',
      /exportTimeoutMillis=-1: expected a number in \[1, ∞\]/,
    ],
    [{ shutdownTimeoutMillis: 0 }, 'shutdownTimeoutMillis', /shutdownTimeoutMillis=0/],
    [{ batch: { maxQueueSize: 0 } }, 'batch.maxQueueSize', /batch\.maxQueueSize=0: expected a whole number/],
    [
      { batch: { maxQueueSize: 10, maxExportBatchSize: 20 } },
      'batch.maxExportBatchSize',
      /must not exceed batch\.maxQueueSize \(10\)/,
    ],
    [{ batch: { scheduledDelayMillis: -5 } }, 'batch.scheduledDelayMillis', /scheduledDelayMillis=-5/],
    [{ spanLimits: { attributeCountLimit: 1.5 } }, 'spanLimits.attributeCountLimit', /whole number/],
    [{ serviceName: 42 }, 'serviceName', /serviceName=42: expected a non-empty string/],
    [{ serviceName: '' }, 'serviceName', /serviceName="": expected a non-empty string/],
    [
      { protocol: 'http/json' },
      'protocol',
      /protocol="http\/json": expected one of "grpc", "http\/protobuf"/,
    ],
    [{ compression: 'br' }, 'compression', /compression="br"/],
    [{ logLevel: 'loud' }, 'logLevel', /logLevel="loud"/],
    [{ handleSignals: 'yes' }, 'handleSignals', /handleSignals="yes": expected true or false/],
    [{ httpServerFastPath: 1 }, 'httpServerFastPath', /httpServerFastPath=1: expected true or false/],
    [{ gcTuning: 'off' }, 'gcTuning', /gcTuning="off": expected true or false/],
    [{ headers: { a: 1 } }, 'headers.a', /headers\.a=1: expected a string/],
    [{ resourceDetectors: ['moon'] }, 'resourceDetectors[0]', /resourceDetectors\[0\]="moon"/],
    [{ ignoreIncomingPaths: [1] }, 'ignoreIncomingPaths[0]', /expected a string or RegExp/],
    [
      { redaction: { dbStatement: 'drop' } },
      'redaction.dbStatement',
      /redaction\.dbStatement="drop": expected one of "mask", "hash", "keep"/,
    ],
    [{ redaction: { patterns: ['secret'] } }, 'redaction.patterns[0]', /expected a RegExp/],
    [{ instrumentations: 'all' }, 'instrumentations', /expected true, false, or an array/],
    [
      { serviceNmae: 'x' },
      'serviceNmae',
      /serviceNmae="x": unknown option; known options are disabled, serviceName/,
    ],
  ];
  for (const [options, option, message] of rows) {
    it(`${option} ${JSON.stringify(options)}`, () => {
      let caught: unknown;
      try {
        resolveConfig(options as TracingOptions, base);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TracingConfigError);
      expect(isTracingConfigError(caught)).toBe(true);
      const error = caught as TracingConfigError;
      expect(error.name).toBe('TracingConfigError');
      expect(error.option).toBe(option);
      expect(error.message).toMatch(/^\[@acme\/otel\] invalid option /);
      expect(error.message).toMatch(message);
    });
  }

  it('accepts a custom Sampler, exporter and propagator object', () => {
    const sampler = { shouldSample: () => ({ decision: 1 }), toString: () => 'MySampler' };
    const exporter = { export: () => undefined, shutdown: async () => undefined };
    const propagator = { inject: () => undefined, extract: (c: unknown) => c, fields: () => [] };
    const config = resolveConfig(
      { sampler, exporter, propagators: [propagator as never, 'b3'] } as TracingOptions,
      base,
    );
    expect(config.sampler).toBe(sampler);
    expect(config.exporters).toBe(exporter);
    expect(config.propagators).toEqual([propagator, 'b3']);
  });
});

describe('describeConfig and the start-up summary never show secrets', () => {
  it('redacts header values and URL credentials', () => {
    const config = resolveConfig(
      { headers: { authorization: 'Bearer s3cr3t' }, endpoint: 'https://user:pw@collector.example:4317' },
      base,
    );
    const described = JSON.stringify(describeConfig(config));
    expect(described).not.toContain('s3cr3t');
    expect(described).not.toContain(':pw@');
    expect(described).toContain('[REDACTED]');
    const line = summaryLine(config);
    expect(line).not.toContain('s3cr3t');
    expect(line).not.toContain(':pw@');
    expect(line).toContain('headers [REDACTED]');
  });

  it('scrubs resource attribute values and secret endpoint query parameters (issue 20)', () => {
    const config = resolveConfig(
      { endpoint: 'https://collector.example:4318/v1/traces?api_key=s3cr3t' },
      { ...base, OTEL_RESOURCE_ATTRIBUTES: 'team=a,db.password=s3cr3t,vault.url=https://u:s3cr3t@v/x' },
    );
    const described = describeConfig(config);
    expect(JSON.stringify(described)).not.toContain('s3cr3t');
    expect(described.resourceAttributes).toMatchObject({ team: 'a', 'db.password': '[REDACTED]' });
    expect(described.endpoint).toBe('https://collector.example:4318/v1/traces?api_key=REDACTED');
    expect(summaryLine(config)).not.toContain('s3cr3t');
  });
});
