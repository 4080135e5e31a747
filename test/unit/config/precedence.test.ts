// resolveConfig: options given in code win over OTEL_* / ACME_OTEL_* variables, which win over
// the defaults; a valid setting logs nothing.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/resolve.js';
import type { TracingOptions } from '../../../src/types.js';
import { base, captureWarnings } from './capture.js';

const warnings = captureWarnings();

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
    // README: ACME_OTEL_ENVIRONMENT comes after OTEL_RESOURCE_ATTRIBUTES, before NODE_ENV.
    [
      'environment from ACME_OTEL_ENVIRONMENT beats NODE_ENV',
      {},
      { NODE_ENV: 'staging', ACME_OTEL_ENVIRONMENT: 'eu-prod' },
      (c) => c.environment,
      'eu-prod',
    ],
    [
      'environment from resource attributes beats ACME_OTEL_ENVIRONMENT',
      {},
      { ACME_OTEL_ENVIRONMENT: 'eu-prod', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod' },
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
      // Appended after the query, the path went into it: every export a 404 at the root.
      'endpoint base env http with a query gets /v1/traces in its path',
      {},
      {
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/otlp/?tenant=a#x',
      },
      (c) => c.endpoint,
      'http://c:4318/otlp/v1/traces?tenant=a#x',
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
      {
        maxQueueSize: 4096,
        maxQueueBytes: 64 * 1024 * 1024,
        maxExportBatchSize: 512,
        scheduledDelayMillis: 5000,
        exportTimeoutMillis: 30000,
      },
    ],
    [
      'bsp env',
      {},
      {
        OTEL_BSP_MAX_QUEUE_SIZE: '100',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_BSP_EXPORT_TIMEOUT: '900',
        ACME_OTEL_MAX_QUEUE_BYTES: '1048576',
      },
      (c) => c.batch,
      {
        maxQueueSize: 100,
        maxQueueBytes: 1048576,
        maxExportBatchSize: 10,
        scheduledDelayMillis: 50,
        exportTimeoutMillis: 900,
      },
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

  it('NODE_OPTIONS is read here, for the early-load check: whether it preloads ES modules or loaders', () => {
    const loads = (value?: string) =>
      resolveConfig({}, value === undefined ? base : { ...base, NODE_OPTIONS: value }).nodeOptionsLoadsEsm;
    expect(loads()).toBe(false);
    expect(loads('--max-old-space-size=512 --require ./x.cjs')).toBe(false);
    expect(loads('--import @acme/otel/register')).toBe(true);
    expect(loads('--max-old-space-size=512 --experimental-loader=./hooks.mjs')).toBe(true);
    expect(loads('--loader ts-node/esm')).toBe(true);
    expect(loads('--imports-are-not-a-flag')).toBe(false);
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
