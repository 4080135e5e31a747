import type { Attributes } from '@opentelemetry/api';
import { redactorFor } from '../redaction/shared.js';
import { redactUrl as redactUrlQuery } from '../redaction/url.js';
import type { EffectiveConfig, ResolvedConfig } from '../types.js';
import { cut } from '../util/quote.js';
import { propagatorName } from './resolve.js';

const REDACTED = '[REDACTED]';

/**
 * The effective config as plain data for display: header values, URL credentials and secret query
 * parameters redacted, and resource attributes scrubbed as span attributes are (always: this is
 * ours to show, even with `redaction: false`).
 */
export function describeConfig(config: ResolvedConfig): EffectiveConfig {
  const headers: Record<string, string> = {};
  for (const key of Object.keys(config.headers)) headers[key] = REDACTED;
  const resourceAttributes: Attributes = { ...config.resourceAttributes };
  redactorFor(config.redaction).attributes(resourceAttributes);
  return Object.freeze({
    disabled: config.disabled,
    serviceName: config.serviceName,
    serviceVersion: config.serviceVersion,
    environment: config.environment,
    resourceAttributes,
    resourceDetectors: [...config.resourceDetectors],
    sampler: typeof config.sampler === 'string' ? config.sampler : samplerText(config.sampler),
    sampleRatio: config.sampleRatio,
    propagators: config.propagators.map(propagatorName),
    exporters: Array.isArray(config.exporters) ? [...config.exporters] : ['custom'],
    endpoint: redactUrl(config.endpoint),
    protocol: config.protocol,
    headers,
    exportTimeoutMillis: config.exportTimeoutMillis,
    compression: config.compression,
    batch: { ...config.batch },
    spanLimits: { ...config.spanLimits },
    maxExportRequestBytes: config.maxExportRequestBytes,
    redaction: config.redaction === false ? false : { dbStatement: config.redaction.dbStatement },
    ignoreIncomingPaths: config.ignoreIncomingPaths.map(String),
    instrumentations: [
      ...config.instrumentations.names,
      ...config.instrumentations.custom.map((i) => i.instrumentationName),
    ],
    esm: config.esm,
    logLevel: config.logLevel,
    handleSignals: config.handleSignals,
    gcTuning: config.gcTuning,
    shutdownTimeoutMillis: config.shutdownTimeoutMillis,
  });
}

/** Credentials (`REDACTED`) and secret query parameters (`?api_key=REDACTED`) removed from an endpoint. */
export function redactUrl(value: string): string {
  let out = value;
  try {
    const url = new URL(value);
    if (url.username !== '' || url.password !== '') {
      url.username = 'REDACTED';
      url.password = url.password === '' ? '' : 'REDACTED';
      out = url.toString();
    }
  } catch {
    // Not a URL: the text scrubbing below still applies.
  }
  return redactUrlQuery(out);
}

/**
 * The one-line start-up summary printed at info level. `inactive`: enabled instrumentations that
 * cannot take effect (their module was loaded before tracing started); they are not counted. Only
 * names, counts and the scrubbed endpoint go in (headers are never shown), so it is logged without
 * a second scrubbing pass.
 */
export function summaryLine(
  config: ResolvedConfig,
  gcTuned = false,
  inactive: readonly string[] = [],
): string {
  // Each value shortened as a warning quotes it: a 120 KB service name filled the line, which is
  // cut at 8,192 characters, and the exporter, sampler and the rest were never shown.
  const { serviceVersion: version, environment } = config;
  const service = `${cut(String(config.serviceName))}${version ? `@${cut(version)}` : ''}${
    environment ? ` (${cut(environment)})` : ''
  }`;
  const exporters = Array.isArray(config.exporters)
    ? config.exporters
        .map((e) => (e === 'otlp' ? `otlp/${config.protocol} ${cut(redactUrl(config.endpoint))}` : e))
        .join(', ')
    : 'custom exporter';
  const sampler =
    typeof config.sampler !== 'string'
      ? 'custom sampler'
      : config.sampler.includes('ratio')
        ? `${config.sampler}(${config.sampleRatio})`
        : config.sampler;
  const headers = Object.keys(config.headers).length > 0 ? `, headers ${REDACTED}` : '';
  return (
    `tracing ${service} → ${exporters}${headers}; sampler ${sampler}; propagators ` +
    `${config.propagators.map(propagatorName).join(',')}; ${instrumentationCount(config, inactive)}` +
    `${config.redaction === false ? '; redaction OFF' : ''}` +
    `${gcTuned ? '; V8 allocation-site pretenuring off from the first span (gcTuning)' : ''}`
  );
}

/**
 * A custom sampler's `toString()`, as upstream describes samplers; `custom` when it throws or gives
 * no string (it threw out of `initTracing()`, and the register entry ran the app untraced).
 */
function samplerText(sampler: object): string {
  try {
    const text: unknown = (sampler as { toString?: () => unknown }).toString?.();
    return typeof text === 'string' ? cut(text) : 'custom';
  } catch {
    return 'custom';
  }
}

function instrumentationCount(config: ResolvedConfig, inactive: readonly string[]): string {
  const active = config.instrumentations.names.filter((name) => !inactive.includes(name)).length;
  const count = active + config.instrumentations.custom.length;
  const late = inactive.length > 0 ? `; ${inactive.join(', ')} inactive: loaded too late` : '';
  return `${count} instrumentation${count === 1 ? '' : 's'} (lazy${late})`;
}
