// resolveConfig with bad options passed in code: a TracingConfigError naming the option, the
// value and what is allowed.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/resolve.js';
import { isTracingConfigError, TracingConfigError } from '../../../src/errors.js';
import type { TracingOptions } from '../../../src/types.js';
import { base, captureWarnings } from './capture.js';

captureWarnings();

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
    // Port 0 (nothing listens there) was taken without a word, and every export then failed.
    [
      { endpoint: 'http://localhost:0' },
      'endpoint',
      /endpoint="http:\/\/localhost:0": expected an http:\/\/ or https:\/\/ URL whose port is not 0 \(no collector can listen there\), e\.g\. "http:\/\/localhost:4317"$/,
    ],
    [{ endpoint: 'https://[::1]:000/v1/traces' }, 'endpoint', /whose port is not 0/],
    [
      { exportTimeoutMillis: -1 },
      'exportTimeoutMillis',
      /exportTimeoutMillis=-1: expected a number in \[1, 2147483647\]/,
    ],
    // Node's timers turn a longer delay into 1 ms.
    [
      { batch: { scheduledDelayMillis: 2 ** 31 } },
      'batch.scheduledDelayMillis',
      /batch\.scheduledDelayMillis=2147483648: expected a number in \[0, 2147483647\]/,
    ],
    [{ shutdownTimeoutMillis: 1e12 }, 'shutdownTimeoutMillis', /in \[1, 2147483647\]/],
    [
      { batch: { exportTimeoutMillis: Number.POSITIVE_INFINITY } },
      'batch.exportTimeoutMillis',
      /in \[1, 2147483647\]/,
    ],
    [{ shutdownTimeoutMillis: 0 }, 'shutdownTimeoutMillis', /shutdownTimeoutMillis=0/],
    [{ batch: { maxQueueSize: 0 } }, 'batch.maxQueueSize', /batch\.maxQueueSize=0: expected a whole number/],
    // Past 2^32 - 1 the queue's arrays cannot be allocated (a RangeError out of initTracing()).
    [
      { batch: { maxQueueSize: 2 ** 32 } },
      'batch.maxQueueSize',
      /batch\.maxQueueSize=4294967296: expected a whole number in \[1, 1048576\]/,
    ],
    [{ batch: { maxQueueSize: Number.POSITIVE_INFINITY } }, 'batch.maxQueueSize', /in \[1, 1048576\]/],
    [
      { batch: { maxQueueBytes: 1024 } },
      'batch.maxQueueBytes',
      /batch\.maxQueueBytes=1024: expected a whole number in \[65536, ∞\]/,
    ],
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
    [{ headers: { a: 1 } }, 'headers.a', /headers\.a=\[REDACTED\] \(a number\): expected a string/],
    [{ resourceDetectors: ['moon'] }, 'resourceDetectors[0]', /resourceDetectors\[0\]="moon"/],
    // A Symbol (or a BigInt, below) was left out of every export without a word; an object or a
    // mixed array went out as no OpenTelemetry attribute may be.
    [
      { resourceAttributes: { 'team.name': 'a', 'k8s.pod': Symbol('pod') } },
      'resourceAttributes.k8s.pod',
      /resourceAttributes\.k8s\.pod=Symbol\(pod\): expected a string, number or boolean, or an array of one of these types/,
    ],
    [{ resourceAttributes: { owner: { team: 'a' } } }, 'resourceAttributes.owner', /owner=\{"team":"a"\}/],
    [{ resourceAttributes: { ids: [1, 'x'] } }, 'resourceAttributes.ids', /ids=\[1,"x"\]/],
    [{ ignoreIncomingPaths: [1] }, 'ignoreIncomingPaths[0]', /expected a string or RegExp/],
    [
      { spanProcessors: [{ onEnd: () => undefined }] },
      'spanProcessors[0]',
      /spanProcessors\[0\]=\{"onEnd":.*\}: expected a SpanProcessor \(onStart, onEnd, forceFlush and shutdown functions\); onStart, forceFlush, shutdown are missing/,
    ],
    [
      { spanProcessors: [{ onStart() {}, onEnd() {}, forceFlush: async () => {} }] },
      'spanProcessors[0]',
      /; shutdown is missing$/,
    ],
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

  it('resourceAttributes: a BigInt is refused, undefined (an unset variable) skipped, arrays of one type taken', () => {
    expect(() => resolveConfig({ resourceAttributes: { big: 10n as never } }, base)).toThrow(
      /invalid option resourceAttributes\.big=10: expected a string/,
    );
    const config = resolveConfig(
      { resourceAttributes: { pod: undefined, zones: ['a', 'b'], ports: [80, null as never], on: true } },
      base,
    );
    expect(config.resourceAttributes).toMatchObject({ zones: ['a', 'b'], ports: [80, null], on: true });
  });

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

// A getter that threw, or a Proxy whose trap threw (or that was revoked), threw its own error out
// of initTracing(): not a TracingConfigError, and naming no option.
describe('options that cannot be read throw TracingConfigError naming the option', () => {
  const throwing = (message: string) => ({
    get() {
      throw new Error(message);
    },
    enumerable: true,
  });
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  const trapping = () =>
    new Proxy(
      {},
      {
        get() {
          throw new Error('trap boom');
        },
      },
    );
  const rows: [string, () => unknown, string, RegExp][] = [
    [
      'a getter that throws',
      () => Object.defineProperty({}, 'serviceName', throwing('getter boom')),
      'serviceName',
      /invalid option serviceName=\(unreadable\): reading it threw \(getter boom\)$/,
    ],
    [
      'an inherited getter that throws',
      () =>
        Object.create(
          Object.defineProperty({}, 'sampleRatio', {
            get: throwing('inherited boom').get,
            enumerable: false,
          }),
        ),
      'sampleRatio',
      /sampleRatio=\(unreadable\): reading it threw \(inherited boom\)$/,
    ],
    [
      'a getter whose error quotes a secret',
      () => Object.defineProperty({}, 'endpoint', throwing('vault said password=hunter2 is wrong')),
      'endpoint',
      /endpoint=\(unreadable\): reading it threw \(vault said password=\[REDACTED\] is wrong\)$/,
    ],
    [
      'a nested getter that throws',
      () => ({ batch: Object.defineProperty({}, 'maxQueueSize', throwing('batch boom')) }),
      'batch.maxQueueSize',
      /batch\.maxQueueSize=\(unreadable\): reading it threw \(batch boom\)$/,
    ],
    [
      'a Proxy whose get trap throws',
      () =>
        new Proxy(
          { serviceName: 'svc' },
          {
            get() {
              throw new Error('trap boom');
            },
          },
        ),
      'disabled',
      /disabled=\(unreadable\): reading it threw \(trap boom\)$/,
    ],
    [
      'a Proxy whose ownKeys trap throws',
      () =>
        new Proxy(
          {},
          {
            ownKeys() {
              throw new Error('keys boom');
            },
          },
        ),
      'options',
      /options=\(unreadable\): its keys could not be read \(keys boom\)$/,
    ],
    ['a revoked Proxy', revoked, 'options', /options=\(unreadable\): its keys could not be read/],
    [
      'a revoked Proxy as headers',
      () => ({ headers: revoked() }),
      'headers',
      /headers=\(unreadable\): its keys could not be read/,
    ],
    // Objects given in a list, as the sampler or the exporter, and a settings object whose known
    // keys only a trap answers: their own error (or a TypeError), naming no option, came out.
    ...(
      [
        ['a span processor', (p) => ({ spanProcessors: [p] }), 'spanProcessors[0].onStart'],
        ['a propagator', (p) => ({ propagators: [p] }), 'propagators[0].inject'],
        ['an instrumentation', (p) => ({ instrumentations: [p] }), 'instrumentations[0].enable'],
        ['a sampler', (p) => ({ sampler: p }), 'sampler.shouldSample'],
        ['an exporter', (p) => ({ exporter: p }), 'exporter.export'],
        ['batch', (p) => ({ batch: p }), 'batch.maxQueueSize'],
      ] as [string, (p: unknown) => unknown, string][]
    ).map(
      ([what, wrap, option]) =>
        [
          `${what} behind a throwing trap`,
          () => wrap(trapping()),
          option,
          /=\(unreadable\): reading it threw \(trap boom\)$/,
        ] as [string, () => unknown, string, RegExp],
    ),
    [
      'a revoked span processor',
      () => ({ spanProcessors: [revoked()] }),
      'spanProcessors[0]',
      /spanProcessors\[0\]=\(unreadable\): it could not be read \(.+\)$/,
    ],
    [
      'a revoked sampler',
      () => ({ sampler: revoked() }),
      'sampler',
      /sampler=\(unreadable\): it could not be read/,
    ],
  ];
  it.each(rows)('%s', (_what, make, option, message) => {
    let thrown: unknown;
    try {
      resolveConfig(make() as TracingOptions, base);
    } catch (error) {
      thrown = error;
    }
    expect(isTracingConfigError(thrown)).toBe(true);
    expect((thrown as TracingConfigError).option).toBe(option);
    expect((thrown as Error).message).toMatch(message);
  });

  it('options whose getters answer are read as before', () => {
    class Options {
      get serviceName(): string {
        return 'from-a-getter';
      }
    }
    const config = resolveConfig(new Options() as TracingOptions, base);
    expect(config.serviceName).toBe('from-a-getter');
  });
});
