// Issue 21: one line per bad environment value, never two, never false. Each row sets one variable
// to a bad value and starts a real process with `--require dist/register.cjs`, exporting one span
// to a real OTLP receiver (so upstream's exporter reads its OTEL_EXPORTER_OTLP_* variables too).
// Before: OTEL_TRACES_SAMPLER=foo printed our warning and upstream's; OTEL_TRACES_SAMPLER_ARG=abc
// printed three lines, one of them "is blank".
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/instrumentations/catalogue.js';
import { spawnNode } from '../support/child.js';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';

let rx: OtlpReceiver;
beforeAll(async () => {
  rx = await startReceiver({ port: 0, http: true });
});
afterAll(() => rx.stop());

// A FIFO nobody writes to: reading it waited for a writer forever, on the thread that exports.
const fifo = join(tmpdir(), `acme-otel-env-warnings-${process.pid}.fifo`);
execFileSync('mkfifo', [fifo]);
afterAll(() => rmSync(fifo, { force: true }));

type Config = Record<string, unknown> & {
  batch: Record<string, number>;
  spanLimits: Record<string, number | null>;
  instrumentationCount: number;
};

interface Row {
  name: string;
  value: string;
  /** Other variables the row needs (`http` switches the exporter to OTLP/HTTP at the receiver). */
  env?: Record<string, string>;
  http?: boolean;
  /** How the line shows the value, when not as given (header values are secrets). */
  shown?: string;
  /** What the line must say is used instead. */
  fallback: string;
  /** The effective configuration agrees with `fallback`. */
  check: (config: Config) => void;
}

const DEFAULT_INSTRUMENTATIONS = [...CATALOGUE.values()].filter((e) => e.defaultOn).length;
const rows: Row[] = [
  {
    name: 'OTEL_SDK_DISABLED',
    value: 'maybe',
    fallback: 'defaulting to false',
    check: (c) => expect(c.disabled).toBe(false),
  },
  {
    name: 'OTEL_TRACES_SAMPLER',
    value: 'foo',
    fallback: 'defaulting to parentbased_always_on',
    check: (c) => expect(c.sampler).toBe('parentbased_always_on'),
  },
  {
    name: 'OTEL_TRACES_SAMPLER_ARG',
    value: 'abc',
    env: { OTEL_TRACES_SAMPLER: 'traceidratio' },
    fallback: 'defaulting to 1',
    check: (c) => expect(c.sampleRatio).toBe(1),
  },
  {
    name: 'OTEL_TRACES_SAMPLER_ARG',
    value: '1.7',
    env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' },
    fallback: 'defaulting to 1',
    check: (c) => expect(c.sampleRatio).toBe(1),
  },
  {
    name: 'OTEL_PROPAGATORS',
    value: 'bogus',
    fallback: 'defaulting to tracecontext,baggage,b3multi',
    check: (c) => expect(c.propagators).toEqual(['tracecontext', 'baggage', 'b3multi']),
  },
  {
    name: 'OTEL_TRACES_EXPORTER',
    value: 'zipkin',
    fallback: 'defaulting to otlp',
    check: (c) => expect(c.exporters).toEqual(['otlp']),
  },
  {
    name: 'OTEL_EXPORTER_OTLP_PROTOCOL',
    value: 'udp',
    fallback: 'defaulting to grpc',
    check: (c) => expect(c.protocol).toBe('grpc'),
  },
  {
    name: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
    value: 'udp',
    env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
    http: true,
    fallback: 'defaulting to http/protobuf (from OTEL_EXPORTER_OTLP_PROTOCOL)',
    check: (c) => expect(c.protocol).toBe('http/protobuf'),
  },
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    value: 'collector:4318',
    // Nothing listens on the default endpoint: give up on the one span quickly.
    env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_BSP_EXPORT_TIMEOUT: '500' },
    fallback: 'defaulting to http://localhost:4318/v1/traces',
    check: (c) => expect(c.endpoint).toBe('http://localhost:4318/v1/traces'),
  },
  {
    name: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    value: 'collector',
    http: true,
    fallback: 'defaulting to http://127.0.0.1:',
    check: (c) => expect(c.endpoint).toBe(rx.httpEndpoint),
  },
  {
    name: 'OTEL_EXPORTER_OTLP_TIMEOUT',
    value: 'soon',
    http: true,
    fallback: 'defaulting to 10000',
    check: (c) => expect(c.exportTimeoutMillis).toBe(10_000),
  },
  {
    name: 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
    value: '-5',
    env: { OTEL_EXPORTER_OTLP_TIMEOUT: '7000' },
    http: true,
    fallback: 'defaulting to 7000 (from OTEL_EXPORTER_OTLP_TIMEOUT)',
    check: (c) => expect(c.exportTimeoutMillis).toBe(7_000),
  },
  {
    name: 'OTEL_EXPORTER_OTLP_COMPRESSION',
    value: 'zstd',
    http: true,
    fallback: 'defaulting to none',
    check: (c) => expect(c.compression).toBe('none'),
  },
  {
    name: 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION',
    value: 'zstd',
    env: { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' },
    fallback: 'defaulting to gzip (from OTEL_EXPORTER_OTLP_COMPRESSION)',
    check: (c) => expect(c.compression).toBe('gzip'),
  },
  {
    name: 'OTEL_EXPORTER_OTLP_HEADERS',
    value: 'novalue',
    http: true,
    shown: '[REDACTED]',
    fallback: 'ignoring that entry',
    check: (c) => expect(c.headers).toEqual({}),
  },
  {
    name: 'OTEL_RESOURCE_ATTRIBUTES',
    value: 'team',
    fallback: 'ignoring that entry',
    check: (c) => expect(c.resourceAttributes).toEqual({}),
  },
  {
    name: 'OTEL_BSP_SCHEDULE_DELAY',
    value: 'abc',
    fallback: 'defaulting to 5000',
    check: (c) => expect(c.batch.scheduledDelayMillis).toBe(5000),
  },
  {
    name: 'OTEL_BSP_EXPORT_TIMEOUT',
    value: '0',
    fallback: 'defaulting to 30000',
    check: (c) => expect(c.batch.exportTimeoutMillis).toBe(30_000),
  },
  {
    name: 'OTEL_BSP_MAX_QUEUE_SIZE',
    value: 'lots',
    fallback: 'defaulting to 4096',
    check: (c) => expect(c.batch.maxQueueSize).toBe(4096),
  },
  {
    name: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
    value: '1.5',
    fallback: 'defaulting to 512',
    check: (c) => expect(c.batch.maxExportBatchSize).toBe(512),
  },
  {
    name: 'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT',
    value: 'abc',
    fallback: 'defaulting to 128',
    check: (c) => expect(c.spanLimits.attributeCountLimit).toBe(128),
  },
  {
    name: 'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT',
    value: 'abc',
    env: { OTEL_ATTRIBUTE_COUNT_LIMIT: '64' },
    fallback: 'defaulting to 64 (from OTEL_ATTRIBUTE_COUNT_LIMIT)',
    check: (c) => expect(c.spanLimits.attributeCountLimit).toBe(64),
  },
  {
    name: 'OTEL_ATTRIBUTE_COUNT_LIMIT',
    value: '-1',
    fallback: 'defaulting to 128',
    check: (c) => expect(c.spanLimits.attributeCountLimit).toBe(128),
  },
  {
    name: 'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT',
    value: 'abc',
    fallback: 'defaulting to 16384',
    check: (c) => expect(c.spanLimits.attributeValueLengthLimit).toBe(16384),
  },
  {
    name: 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT',
    value: 'abc',
    fallback: 'defaulting to 16384',
    check: (c) => expect(c.spanLimits.attributeValueLengthLimit).toBe(16384),
  },
  {
    name: 'OTEL_SPAN_EVENT_COUNT_LIMIT',
    value: 'abc',
    fallback: 'defaulting to 128',
    check: (c) => expect(c.spanLimits.eventCountLimit).toBe(128),
  },
  {
    name: 'OTEL_SPAN_LINK_COUNT_LIMIT',
    value: 'abc',
    fallback: 'defaulting to 128',
    check: (c) => expect(c.spanLimits.linkCountLimit).toBe(128),
  },
  {
    name: 'OTEL_EXPORTER_OTLP_CERTIFICATE',
    value: '/nonexistent/ca.pem',
    http: true,
    fallback: 'connecting without it',
    check: (c) => expect(c.protocol).toBe('http/protobuf'),
  },
  {
    name: 'OTEL_EXPORTER_OTLP_CERTIFICATE',
    value: fifo,
    http: true,
    fallback: 'connecting without it',
    check: (c) => expect(c.protocol).toBe('http/protobuf'),
  },
  {
    // Read to its end, it never ended: memory ran out.
    name: 'OTEL_EXPORTER_OTLP_CERTIFICATE',
    value: '/dev/zero',
    http: true,
    fallback: 'connecting without it',
    check: (c) => expect(c.protocol).toBe('http/protobuf'),
  },
  {
    name: 'OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY',
    value: '/nonexistent/key.pem',
    http: true,
    fallback: 'connecting without it',
    check: (c) => expect(c.protocol).toBe('http/protobuf'),
  },
  {
    name: 'OTEL_LOG_LEVEL',
    value: 'loud',
    fallback: 'defaulting to info',
    check: (c) => expect(c.logLevel).toBe('info'),
  },
  {
    name: 'OTEL_NODE_RESOURCE_DETECTORS',
    value: 'moon',
    fallback: 'defaulting to env,host,os,process,container',
    check: (c) => expect(c.resourceDetectors).toEqual(['env', 'host', 'os', 'process', 'container']),
  },
  {
    name: 'OTEL_NODE_ENABLED_INSTRUMENTATIONS',
    value: 'expresss',
    fallback: 'defaulting to the default instrumentations',
    check: (c) => expect(c.instrumentationCount).toBe(DEFAULT_INSTRUMENTATIONS),
  },
  {
    name: 'OTEL_NODE_DISABLED_INSTRUMENTATIONS',
    value: 'expresss',
    fallback: 'ignoring it',
    check: (c) => expect(c.instrumentationCount).toBe(DEFAULT_INSTRUMENTATIONS),
  },
  { name: 'ACME_OTEL_HTTP_FAST_PATH', value: 'yes', fallback: 'defaulting to true', check: () => undefined },
  {
    name: 'ACME_OTEL_GC_TUNING',
    value: 'yes',
    fallback: 'defaulting to true',
    check: (c) => expect(c.gcTuning).toBe(true),
  },
  {
    name: 'ACME_OTEL_REDACTION',
    value: 'yes',
    fallback: 'defaulting to true',
    check: (c) => expect(c.redaction).toEqual({ dbStatement: 'mask' }),
  },
  {
    name: 'ACME_OTEL_REDACT_DB_STATEMENT',
    value: 'scramble',
    fallback: 'defaulting to mask',
    check: (c) => expect(c.redaction).toEqual({ dbStatement: 'mask' }),
  },
  {
    name: 'ACME_OTEL_HANDLE_SIGNALS',
    value: 'yes',
    fallback: 'defaulting to true',
    check: (c) => expect(c.handleSignals).toBe(true),
  },
  {
    name: 'ACME_OTEL_SHUTDOWN_TIMEOUT',
    value: 'never',
    fallback: 'defaulting to 5000',
    check: (c) => expect(c.shutdownTimeoutMillis).toBe(5000),
  },
  // Past Node's timer limit (2^31 - 1 ms), a delay fires after 1 ms: the batch delay exported each
  // span alone, a shutdown timeout lost every span at exit as "deadline exceeded".
  {
    name: 'OTEL_BSP_SCHEDULE_DELAY',
    value: '9999999999',
    fallback: 'defaulting to 5000',
    check: (c) => expect(c.batch.scheduledDelayMillis).toBe(5000),
  },
  {
    name: 'OTEL_BSP_EXPORT_TIMEOUT',
    value: '2147483648',
    fallback: 'defaulting to 30000',
    check: (c) => expect(c.batch.exportTimeoutMillis).toBe(30_000),
  },
  {
    name: 'OTEL_EXPORTER_OTLP_TIMEOUT',
    value: '9999999999',
    fallback: 'defaulting to 10000',
    check: (c) => expect(c.exportTimeoutMillis).toBe(10_000),
  },
  {
    name: 'ACME_OTEL_SHUTDOWN_TIMEOUT',
    value: '9999999999',
    fallback: 'defaulting to 5000',
    check: (c) => expect(c.shutdownTimeoutMillis).toBe(5000),
  },
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('a bad environment value gives exactly one true line', () => {
  it.concurrent.each(
    rows.map(
      (row) =>
        [
          `${row.name}=${row.value}${row.env ? ` (with ${Object.keys(row.env).join(', ')})` : ''}`,
          row,
        ] as const,
    ),
  )('%s', async (_title, row) => {
    const endpoint = row.http
      ? {
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
          OTEL_EXPORTER_OTLP_ENDPOINT: rx.httpEndpoint!.replace(/\/v1\/traces$/, ''),
        }
      : { OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint };
    const child = spawnNode(['--require', './dist/register.cjs', 'test/fixtures/env-warning-app.cjs'], {
      OTEL_SERVICE_NAME: 'env-warnings',
      ACME_OTEL_SHUTDOWN_TIMEOUT: '1500',
      ...endpoint,
      ...row.env,
      [row.name]: row.value,
    });
    const { code } = await child.exited;
    const output = child.output();
    expect(code, output).toBe(0);
    const lines = output.split('\n');
    expect(output).not.toContain('TimeoutOverflowWarning');
    // Upstream's own diagnostics about configuration would be a second line (or a false one).
    expect(
      lines.filter((l) => l.includes('(otel)')),
      output,
    ).toEqual([]);
    const mentions = lines.filter((l) => l.includes(row.name) && !l.startsWith('CONFIG '));
    expect(mentions, output).toHaveLength(1);
    expect(mentions[0]).toMatch(
      new RegExp(
        `^\\[@acme/otel\\] ${row.name}=${escapeRegExp(JSON.stringify(row.shown ?? row.value))} was given, but .+, ${escapeRegExp(row.fallback)}`,
      ),
    );
    const configLine = lines.find((l) => l.startsWith('CONFIG '));
    expect(configLine, output).toBeDefined();
    row.check(JSON.parse((configLine as string).slice('CONFIG '.length)) as Config);
  });
});
