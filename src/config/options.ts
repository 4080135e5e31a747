import { TracingConfigError } from '../errors.js';
import type {
  DetectorName,
  ExporterName,
  LogLevel,
  PropagatorName,
  SamplerName,
  TracingOptions,
} from '../types.js';
import { MAX_TIMER_MILLIS } from '../util/index.js';
import { checkReadable, isObjectOption, readList, readMember } from './options-readable.js';
import { shownValue } from './shown-value.js';

// Validation of options passed in code. A mistake in code is a bug to fix now, so it throws
// (pino does the same); a mistake in the environment only warns (see config.ts).

export const SAMPLER_NAMES: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];
export const PROPAGATOR_NAMES: readonly PropagatorName[] = [
  'tracecontext',
  'baggage',
  'b3',
  'b3multi',
  'jaeger',
  'none',
];
export const EXPORTER_NAMES: readonly ExporterName[] = ['otlp', 'console', 'waterfall', 'none'];
export const LOG_LEVELS: readonly LogLevel[] = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'];
export const DETECTOR_NAMES: readonly DetectorName[] = [
  'env',
  'host',
  'os',
  'process',
  'container',
  'aws',
  'gcp',
  'azure',
  'alibaba',
];

/** Below this, ordinary spans (ids, times, a few attributes, the resource) would not fit a request. */
export const MIN_EXPORT_REQUEST_BYTES = 16 * 1024;
// The longest delay or timeout (util/timer-limit.ts): `OTEL_BSP_SCHEDULE_DELAY=9999999999` (meant
// as "never") exported every span on its own, and a shutdown timeout that long lost every span at
// exit as "deadline exceeded".
export { MAX_TIMER_MILLIS };
/** The least `batch.maxQueueBytes` accepted. */
export const MIN_QUEUE_BYTES = 64 * 1024;
/**
 * The most spans `batch.maxQueueSize` takes. The queue allocates its ring at its capacity, so
 * `OTEL_BSP_MAX_QUEUE_SIZE=99999999999999999999` (meant as "unbounded") threw `Invalid array length`
 * out of initTracing(); a million spans of ~1-2 KB is already more memory than a service gives
 * its tracing.
 */
export const MAX_QUEUE_SIZE = 1_048_576;
/**
 * The most entries a list option takes (`propagators`, `resourceDetectors`, `exporter`,
 * `spanProcessors`, `instrumentations`, the `redaction` lists, an array in `resourceAttributes`),
 * checked before any entry is read: `propagators: new Array(2 ** 32 - 1)` (sparse: no memory, that
 * length) was walked index by index and init hung. Far more than any app lists.
 */
export const MAX_LIST_ENTRIES = 1024;
/**
 * The most `ignoreIncomingPaths` (and `ACME_OTEL_IGNORE_PATHS` entries): 10^7 of them took ~20 s to
 * index at start-up. A generated list of routes stays well below it.
 */
export const MAX_IGNORE_PATHS = 10_000;

const OPTION_KEYS: readonly (keyof TracingOptions)[] = [
  'disabled',
  'serviceName',
  'serviceVersion',
  'environment',
  'resourceAttributes',
  'resourceDetectors',
  'sampler',
  'sampleRatio',
  'propagators',
  'exporter',
  'endpoint',
  'protocol',
  'headers',
  'exportTimeoutMillis',
  'compression',
  'batch',
  'spanLimits',
  'maxExportRequestBytes',
  'spanProcessors',
  'redaction',
  'ignoreIncomingPaths',
  'httpServerFastPath',
  'gcTuning',
  'instrumentations',
  'esm',
  'logLevel',
  'handleSignals',
  'shutdownTimeoutMillis',
];

const oneOf = (values: readonly string[]) => `expected one of ${values.map((v) => `"${v}"`).join(', ')}`;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The entries of the list option `option` (read once, at most `max`), else a TracingConfigError. */
function listOption(option: string, value: unknown, max = MAX_LIST_ENTRIES, allowed = 'expected an array') {
  return readList(option, value, max) ?? fail(option, value, allowed);
}

const PROCESSOR_METHODS = ['onStart', 'onEnd', 'forceFlush', 'shutdown'] as const;
const PROCESSOR_METHODS_TEXT = 'onStart, onEnd, forceFlush and shutdown functions';

export function fail(option: string, value: unknown, allowed: string): never {
  throw new TracingConfigError(option, value, allowed, shownValue(option, value));
}

export function checkBoolean(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') fail(option, value, 'expected true or false');
}

export function checkString(option: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
    fail(option, value, 'expected a non-empty string');
  }
}

export function checkNumber(
  option: string,
  value: unknown,
  rule: { min: number; max?: number; integer?: boolean },
) {
  if (value === undefined) return;
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    value >= rule.min &&
    (rule.max === undefined || value <= rule.max) &&
    (!rule.integer || Number.isInteger(value) || value === Number.POSITIVE_INFINITY);
  if (!ok) {
    const kind = rule.integer ? 'a whole number' : 'a number';
    fail(option, value, `expected ${kind} in [${rule.min}, ${rule.max ?? '∞'}]`);
  }
}

export function checkOneOf(option: string, value: unknown, values: readonly string[]): void {
  if (value !== undefined && (typeof value !== 'string' || !values.includes(value))) {
    fail(option, value, oneOf(values));
  }
}

export function checkUrl(option: string, value: unknown): void {
  if (value === undefined) return;
  const problem = typeof value === 'string' ? httpUrlProblem(value) : 'not a URL';
  if (problem === PORT_ZERO)
    fail(
      option,
      value,
      'expected an http:// or https:// URL whose port is not 0 (no collector can listen there), e.g. "http://localhost:4317"',
    );
  if (problem !== undefined)
    fail(option, value, 'expected an http:// or https:// URL, e.g. "http://localhost:4317"');
}

const PORT_ZERO = 'its port is 0, where no collector can listen';

/**
 * Why `value` cannot be an OTLP endpoint, as an env warning says it, or `undefined`. Port 0 (which
 * a listening socket takes to mean "any free port", so no collector is at it) was taken without a
 * word, and every export then failed to connect.
 */
export function httpUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'it is not a valid http(s) URL';
  }
  // `http://http://collector:4317` parses (host "http", path "//collector:4317") but is a typo
  // that would send every export to a host named "http".
  const doubledScheme = /^https?$/.test(url.hostname) && url.pathname.startsWith('//');
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '' || doubledScheme)
    return 'it is not a valid http(s) URL';
  return url.port === '0' ? PORT_ZERO : undefined;
}

/** An OpenTelemetry attribute value: a primitive, or an array of one primitive type (nulls allowed). */
function isAttributeValue(option: string, value: unknown): boolean {
  const type = typeof value;
  if (value === undefined || type === 'string' || type === 'number' || type === 'boolean') return true;
  const list = readList(option, value, MAX_LIST_ENTRIES);
  if (list === undefined) return false;
  let first: string | undefined;
  for (const element of list) {
    if (element === null || element === undefined) continue;
    const t = typeof element;
    if (t !== 'string' && t !== 'number' && t !== 'boolean') return false;
    first ??= t;
    if (t !== first) return false;
  }
  return true;
}

/** Throws a TracingConfigError for the first invalid option. */
export function validateOptions(options: unknown): asserts options is TracingOptions {
  if (options === undefined) return;
  checkReadable(options, OPTION_KEYS);
  if (!isObject(options)) fail('options', options, 'expected an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key as keyof TracingOptions)) {
      fail(key, options[key], `unknown option; known options are ${OPTION_KEYS.join(', ')}`);
    }
  }
  const o = options as TracingOptions & Record<string, unknown>;
  checkBoolean('disabled', o.disabled);
  checkString('serviceName', o.serviceName);
  checkString('serviceVersion', o.serviceVersion);
  checkString('environment', o.environment);
  if (o.resourceAttributes !== undefined) {
    if (!isObject(o.resourceAttributes))
      fail('resourceAttributes', o.resourceAttributes, 'expected an object of attribute values');
    for (const [k, v] of Object.entries(o.resourceAttributes)) {
      // A Symbol or a BigInt was left out of every export without a word; an object or a mixed
      // array went out as no OpenTelemetry attribute may be. Undefined (an unset variable) is skipped.
      if (!isAttributeValue(`resourceAttributes.${k}`, v))
        fail(
          `resourceAttributes.${k}`,
          v,
          'expected a string, number or boolean, or an array of one of these types',
        );
    }
  }
  if (o.resourceDetectors !== undefined) {
    listOption('resourceDetectors', o.resourceDetectors).forEach((d, i) => {
      checkOneOf(`resourceDetectors[${i}]`, d, DETECTOR_NAMES);
    });
  }
  if (o.sampler !== undefined && typeof o.sampler !== 'string') {
    if (
      !isObjectOption('sampler', o.sampler) ||
      typeof readMember('sampler', o.sampler, 'shouldSample') !== 'function'
    ) {
      fail('sampler', o.sampler, `${oneOf(SAMPLER_NAMES)}, or a Sampler object with shouldSample()`);
    }
  } else if (o.sampler !== undefined && !SAMPLER_NAMES.includes(o.sampler)) {
    fail('sampler', o.sampler, `${oneOf(SAMPLER_NAMES)}, or a Sampler object with shouldSample()`);
  }
  checkNumber('sampleRatio', o.sampleRatio, { min: 0, max: 1 });
  if (o.propagators !== undefined) {
    listOption('propagators', o.propagators).forEach((p, i) => {
      if (typeof p === 'string') checkOneOf(`propagators[${i}]`, p, PROPAGATOR_NAMES);
      else if (
        !isObjectOption(`propagators[${i}]`, p) ||
        typeof readMember(`propagators[${i}]`, p, 'inject') !== 'function' ||
        typeof readMember(`propagators[${i}]`, p, 'extract') !== 'function'
      ) {
        fail(`propagators[${i}]`, p, `${oneOf(PROPAGATOR_NAMES)}, or a TextMapPropagator`);
      }
    });
  }
  validateExporter(o.exporter);
  checkUrl('endpoint', o.endpoint);
  checkOneOf('protocol', o.protocol, ['grpc', 'http/protobuf']);
  if (o.headers !== undefined) {
    if (!isObject(o.headers)) fail('headers', o.headers, 'expected an object of string values');
    for (const [k, v] of Object.entries(o.headers)) {
      if (typeof v !== 'string') fail(`headers.${k}`, v, 'expected a string');
    }
  }
  checkNumber('exportTimeoutMillis', o.exportTimeoutMillis, { min: 1, max: MAX_TIMER_MILLIS });
  checkOneOf('compression', o.compression, ['gzip', 'none']);
  validateBatch(o.batch);
  validateSpanLimits(o.spanLimits);
  checkNumber('maxExportRequestBytes', o.maxExportRequestBytes, {
    min: MIN_EXPORT_REQUEST_BYTES,
    integer: true,
  });
  if (o.spanProcessors !== undefined) {
    listOption('spanProcessors', o.spanProcessors).forEach((p, i) => {
      if (!isObjectOption(`spanProcessors[${i}]`, p))
        fail(`spanProcessors[${i}]`, p, `expected a SpanProcessor (${PROCESSOR_METHODS_TEXT})`);
      // One with onEnd only was taken, then said to have thrown in onStart on the first span, and
      // its forceFlush and shutdown failed, naming no processor.
      const missing = PROCESSOR_METHODS.filter(
        (m) => typeof readMember(`spanProcessors[${i}]`, p, m) !== 'function',
      );
      if (missing.length > 0)
        fail(
          `spanProcessors[${i}]`,
          p,
          `expected a SpanProcessor (${PROCESSOR_METHODS_TEXT}); ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing`,
        );
    });
  }
  validateRedaction(o.redaction);
  if (o.ignoreIncomingPaths !== undefined) {
    listOption('ignoreIncomingPaths', o.ignoreIncomingPaths, MAX_IGNORE_PATHS).forEach((p, i) => {
      if (typeof p !== 'string' && !(p instanceof RegExp))
        fail(`ignoreIncomingPaths[${i}]`, p, 'expected a string or RegExp');
    });
  }
  if (o.instrumentations !== undefined && typeof o.instrumentations !== 'boolean') {
    listOption(
      'instrumentations',
      o.instrumentations,
      MAX_LIST_ENTRIES,
      'expected true, false, or an array of names / Instrumentation objects',
    ).forEach((x, i) => {
      const path = `instrumentations[${i}]`;
      if (
        typeof x !== 'string' &&
        (!isObjectOption(path, x) || typeof readMember(path, x, 'enable') !== 'function')
      ) {
        fail(`instrumentations[${i}]`, x, 'expected an instrumentation name or an Instrumentation object');
      }
    });
  }
  checkBoolean('esm', o.esm);
  checkOneOf('logLevel', o.logLevel, LOG_LEVELS);
  checkBoolean('handleSignals', o.handleSignals);
  checkBoolean('httpServerFastPath', o.httpServerFastPath);
  checkBoolean('gcTuning', o.gcTuning);
  checkNumber('shutdownTimeoutMillis', o.shutdownTimeoutMillis, { min: 1, max: MAX_TIMER_MILLIS });
}

function validateExporter(exporter: unknown): void {
  if (exporter === undefined) return;
  if (typeof exporter === 'string') {
    checkOneOf('exporter', exporter, EXPORTER_NAMES);
    return;
  }
  const list = readList('exporter', exporter, MAX_LIST_ENTRIES);
  if (list !== undefined) {
    if (list.length === 0) fail('exporter', exporter, 'expected at least one exporter name');
    list.forEach((e, i) => {
      checkOneOf(`exporter[${i}]`, e, EXPORTER_NAMES);
    });
    return;
  }
  if (
    !isObjectOption('exporter', exporter) ||
    typeof readMember('exporter', exporter, 'export') !== 'function' ||
    typeof readMember('exporter', exporter, 'shutdown') !== 'function'
  ) {
    fail('exporter', exporter, `${oneOf(EXPORTER_NAMES)}, or a SpanExporter object`);
  }
}

function validateBatch(batch: unknown): void {
  if (batch === undefined) return;
  if (!isObject(batch)) fail('batch', batch, 'expected an object');
  checkNumber('batch.maxQueueSize', batch.maxQueueSize, { min: 1, max: MAX_QUEUE_SIZE, integer: true });
  checkNumber('batch.maxQueueBytes', batch.maxQueueBytes, { min: MIN_QUEUE_BYTES, integer: true });
  checkNumber('batch.maxExportBatchSize', batch.maxExportBatchSize, { min: 1, integer: true });
  checkNumber('batch.scheduledDelayMillis', batch.scheduledDelayMillis, { min: 0, max: MAX_TIMER_MILLIS });
  checkNumber('batch.exportTimeoutMillis', batch.exportTimeoutMillis, { min: 1, max: MAX_TIMER_MILLIS });
  const queue = batch.maxQueueSize as number | undefined;
  const size = batch.maxExportBatchSize as number | undefined;
  if (queue !== undefined && size !== undefined && size > queue) {
    fail('batch.maxExportBatchSize', size, `must not exceed batch.maxQueueSize (${queue})`);
  }
}

function validateSpanLimits(limits: unknown): void {
  if (limits === undefined) return;
  if (!isObject(limits)) fail('spanLimits', limits, 'expected an object');
  for (const key of ['attributeCountLimit', 'eventCountLimit', 'linkCountLimit']) {
    checkNumber(`spanLimits.${key}`, limits[key], { min: 0, integer: true });
  }
  // 0 would not mean "empty values": the SDK ignores it and warns on every attribute.
  checkNumber('spanLimits.attributeValueLengthLimit', limits.attributeValueLengthLimit, {
    min: 1,
    integer: true,
  });
  checkNumber('spanLimits.valueCountLimit', limits.valueCountLimit, { min: 1, integer: true });
}

function validateRedaction(redaction: unknown): void {
  if (redaction === undefined || redaction === false) return;
  if (!isObject(redaction)) fail('redaction', redaction, 'expected false or an object');
  const r = redaction;
  if (r.keys !== undefined) {
    listOption('redaction.keys', r.keys, MAX_LIST_ENTRIES, 'expected an array of strings or RegExps').forEach(
      (k, i) => {
        if (typeof k !== 'string' && !(k instanceof RegExp))
          fail(`redaction.keys[${i}]`, k, 'expected a string or RegExp');
      },
    );
  }
  if (r.patterns !== undefined) {
    listOption('redaction.patterns', r.patterns, MAX_LIST_ENTRIES, 'expected an array of RegExps').forEach(
      (p, i) => {
        if (!(p instanceof RegExp)) fail(`redaction.patterns[${i}]`, p, 'expected a RegExp');
      },
    );
  }
  if (r.queryParams !== undefined) {
    const allowed = 'expected an array of strings';
    const list = listOption('redaction.queryParams', r.queryParams, MAX_LIST_ENTRIES, allowed);
    if (list.some((q) => typeof q !== 'string')) fail('redaction.queryParams', r.queryParams, allowed);
  }
  checkOneOf('redaction.dbStatement', r.dbStatement, ['mask', 'hash', 'keep']);
  if (r.replacement !== undefined && typeof r.replacement !== 'string') {
    fail('redaction.replacement', r.replacement, 'expected a string');
  }
}
