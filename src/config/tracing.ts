import type { Instrumentation } from '@opentelemetry/instrumentation';
import { warnEnv } from '../diag/env-warning.js';
import { log } from '../diag/log.js';
import { resolveInstrumentationNames } from '../instrumentations/names.js';
import type {
  DbStatementMode,
  DetectorName,
  LogLevel,
  PropagatorName,
  ResolvedConfig,
  SamplerName,
  TracingOptions,
} from '../types.js';
import { type Env, envBoolean, envList, envNumber, envString, warnUnknownEntries } from './env.js';
import { DETECTOR_NAMES, LOG_LEVELS, PROPAGATOR_NAMES, SAMPLER_NAMES } from './options.js';

// How sampling, propagation, resource detection, redaction, instrumentation and logging are
// resolved from code options and OTEL_* / ACME_OTEL_* variables.

export const DEFAULT_PROPAGATOR_NAMES: readonly PropagatorName[] = ['tracecontext', 'baggage', 'b3multi'];
export const DEFAULT_DETECTORS: readonly DetectorName[] = ['env', 'host', 'os', 'process', 'container'];

export function resolveSampler(
  options: TracingOptions,
  env: Env,
): { sampler: ResolvedConfig['sampler']; sampleRatio: number } {
  if (options.sampler !== undefined || options.sampleRatio !== undefined) {
    const sampler = options.sampler ?? 'parentbased_traceidratio';
    return { sampler, sampleRatio: options.sampleRatio ?? envRatio(env) };
  }
  const name = envString(env, 'OTEL_TRACES_SAMPLER')?.toLowerCase();
  let sampler: SamplerName = 'parentbased_always_on';
  if (name !== undefined) {
    if ((SAMPLER_NAMES as readonly string[]).includes(name)) sampler = name as SamplerName;
    else {
      const why = ['jaeger_remote', 'parentbased_jaeger_remote', 'xray'].includes(name)
        ? 'it is not supported by @acme/otel (pass a Sampler object in code)'
        : `it is not one of ${SAMPLER_NAMES.join(', ')}`;
      warnEnv('OTEL_TRACES_SAMPLER', name, why, 'defaulting to parentbased_always_on');
    }
  }
  // Read (and a bad value said) only for a sampler that takes it: the one line is then the true one.
  const takesRatio = sampler.endsWith('traceidratio');
  const sampleRatio = takesRatio ? envRatio(env) : 1;
  const arg = envString(env, 'OTEL_TRACES_SAMPLER_ARG');
  if (arg !== undefined && !takesRatio) {
    // Upstream ignores it without a word: `OTEL_TRACES_SAMPLER_ARG=0.1` alone traced everything.
    warnEnv(
      'OTEL_TRACES_SAMPLER_ARG',
      arg,
      `the sampler ${sampler} takes no argument`,
      'ignoring it (a ratio needs OTEL_TRACES_SAMPLER=parentbased_traceidratio, or sampleRatio in code)',
    );
  }
  return { sampler, sampleRatio };
}

function envRatio(env: Env): number {
  return envNumber(env, 'OTEL_TRACES_SAMPLER_ARG', { min: 0, max: 1 }, '1') ?? 1;
}

export function resolvePropagators(env: Env): PropagatorName[] {
  const names = envList(env, 'OTEL_PROPAGATORS');
  if (names === undefined) return [...DEFAULT_PROPAGATOR_NAMES];
  const known: PropagatorName[] = [];
  const unknown: string[] = [];
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (!(PROPAGATOR_NAMES as readonly string[]).includes(name)) unknown.push(raw);
    else if (!known.includes(name as PropagatorName)) known.push(name as PropagatorName);
  }
  const result: PropagatorName[] =
    known.length === 0 ? [...DEFAULT_PROPAGATOR_NAMES] : known.includes('none') ? ['none'] : known;
  if (unknown.length > 0)
    warnUnknownEntries(env, 'OTEL_PROPAGATORS', names, unknown, PROPAGATOR_NAMES, result.join(','));
  return result;
}

export function resolveDetectors(env: Env): DetectorName[] {
  const names = envList(env, 'OTEL_NODE_RESOURCE_DETECTORS');
  if (names === undefined) return [...DEFAULT_DETECTORS];
  let out: DetectorName[] = [];
  const unknown: string[] = [];
  let special: DetectorName[] | undefined;
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (name === 'none') special ??= [];
    else if (name === 'all') special ??= [...DETECTOR_NAMES];
    else if (name === 'serviceinstance')
      continue; // service.instance.id is always set by resource.ts
    else if ((DETECTOR_NAMES as readonly string[]).includes(name)) out.push(name as DetectorName);
    else unknown.push(raw);
  }
  out = special ?? out;
  // Nothing but typos: keep the defaults rather than silently detect nothing.
  if (unknown.length === names.length) out = [...DEFAULT_DETECTORS];
  if (unknown.length > 0) {
    const used = out.length > 0 ? out.join(',') : 'none';
    warnUnknownEntries(
      env,
      'OTEL_NODE_RESOURCE_DETECTORS',
      names,
      unknown,
      [...DETECTOR_NAMES, 'all', 'none'],
      used,
    );
  }
  return out;
}

export function resolveRedaction(options: TracingOptions, env: Env): ResolvedConfig['redaction'] {
  if (options.redaction === false) return false;
  if (options.redaction === undefined && !envBoolean(env, 'ACME_OTEL_REDACTION', true)) return false;
  const given = options.redaction ?? {};
  let dbStatement: DbStatementMode | undefined = given.dbStatement;
  if (dbStatement === undefined) {
    const value = envString(env, 'ACME_OTEL_REDACT_DB_STATEMENT')?.toLowerCase();
    if (value === 'mask' || value === 'hash' || value === 'keep') dbStatement = value;
    else if (value !== undefined)
      warnEnv('ACME_OTEL_REDACT_DB_STATEMENT', value, 'it is not mask, hash or keep', 'defaulting to mask');
  }
  return Object.freeze({ ...given, dbStatement: dbStatement ?? 'mask' });
}

export function resolveInstrumentations(
  options: TracingOptions,
  env: Env,
): ResolvedConfig['instrumentations'] {
  const given = options.instrumentations;
  const custom: Instrumentation[] = [];
  let option: boolean | string[] | undefined;
  if (Array.isArray(given)) {
    option = [];
    for (const item of given) {
      if (typeof item === 'string') option.push(item);
      else custom.push(item);
    }
  } else option = given;
  const names = resolveInstrumentationNames(
    {
      ...(option !== undefined ? { option } : {}),
      ...optionalEnv(env, 'OTEL_NODE_ENABLED_INSTRUMENTATIONS', 'enabledEnv'),
      ...optionalEnv(env, 'OTEL_NODE_DISABLED_INSTRUMENTATIONS', 'disabledEnv'),
    },
    (message) => log.warnOnce(`instrumentations:${message}`, message),
  );
  return Object.freeze({ names: Object.freeze(names), custom: Object.freeze(custom) });
}

function optionalEnv<K extends string>(env: Env, name: string, key: K): { [P in K]?: string } {
  const value = envString(env, name);
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

export function resolveLogLevel(env: Env): LogLevel {
  const value = envString(env, 'OTEL_LOG_LEVEL')?.toLowerCase();
  if (value === undefined) return 'info';
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as LogLevel;
  warnEnv('OTEL_LOG_LEVEL', value, `it is not one of ${LOG_LEVELS.join(', ')}`, 'defaulting to info');
  return 'info';
}
