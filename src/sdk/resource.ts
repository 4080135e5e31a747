import type { Attributes } from '@opentelemetry/api';
import { containerDetector } from '@opentelemetry/resource-detector-container';
import {
  defaultResource,
  detectResources,
  hostDetector,
  osDetector,
  processDetector,
  type Resource,
  type ResourceDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { log } from '../diag/index.js';
import { scrubArgs } from '../redaction/args.js';
import type { Redactor } from '../redaction/redactor.js';
import { redactorFor } from '../redaction/shared.js';
import type { DetectorName, ResolvedConfig } from '../types.js';
import { lazyRequire } from '../util/index.js';
import { instanceIdDetector } from './instance-id.js';

/**
 * The resource for a resolved config: detectors first, then `OTEL_RESOURCE_ATTRIBUTES` and code
 * attributes, then service name/version/environment, each layer winning over the one before.
 * Cloud detectors (they call the 169.254.169.254 metadata address) run only when listed.
 *
 * The resource goes out with every export request, so it is scrubbed like span attributes (unless
 * `redaction: false`): the command line (`--db-url=postgres://admin:pw@…`, `--api-key=…`) and the
 * `OTEL_RESOURCE_ATTRIBUTES` values (issue 20).
 */
export function createResource(config: ResolvedConfig): Resource {
  const scrub =
    config.redaction === false
      ? undefined
      : {
          redactor: redactorFor(config.redaction),
          replacement: config.redaction.replacement ?? '[REDACTED]',
        };
  const detectors: ResourceDetector[] = [instanceIdDetector];
  for (const name of config.resourceDetectors) detectors.push(...detectorsFor(name, scrub));
  const detected = detectResources({ detectors });
  const service: Attributes = { 'service.name': config.serviceName ?? 'unknown_service:node' };
  if (config.serviceVersion !== undefined) service['service.version'] = config.serviceVersion;
  if (config.environment !== undefined) service['deployment.environment.name'] = config.environment;
  let given: Attributes = config.resourceAttributes;
  if (scrub !== undefined) {
    given = { ...given };
    scrub.redactor.attributes(given);
  }
  return defaultResource()
    .merge(detected)
    .merge(resourceFromAttributes(given))
    .merge(resourceFromAttributes(service));
}

interface Scrub {
  readonly redactor: Redactor;
  readonly replacement: string;
}

/** Upstream's process detector with `process.command_args`, `process.command` and `process.command_line` scrubbed. */
function scrubbedProcessDetector(scrub: Scrub): ResourceDetector {
  return {
    detect(detectorConfig) {
      const detected = processDetector.detect(detectorConfig);
      const attributes = { ...detected.attributes };
      for (const key of ['process.command', 'process.command_line']) {
        const value = attributes[key];
        if (typeof value === 'string') attributes[key] = scrub.redactor.text(value);
      }
      const args = attributes['process.command_args'];
      if (Array.isArray(args)) {
        const scrubbed = scrubArgs(
          args.filter((a): a is string => typeof a === 'string'),
          scrub.redactor,
          scrub.replacement,
        );
        attributes['process.command_args'] = scrubbed;
        // A joined command line hides `--password secret` from text scrubbing: rebuild it.
        if (typeof attributes['process.command_line'] === 'string')
          attributes['process.command_line'] = scrubbed.join(' ');
      }
      return { ...detected, attributes };
    },
  };
}

function detectorsFor(name: DetectorName, scrub: Scrub | undefined): ResourceDetector[] {
  switch (name) {
    // OTEL_RESOURCE_ATTRIBUTES is parsed once by resolveConfig and always applied.
    case 'env':
      return [];
    case 'host':
      return [hostDetector];
    case 'os':
      return [osDetector];
    case 'process':
      return [scrub === undefined ? processDetector : scrubbedProcessDetector(scrub)];
    case 'container':
      return [containerDetector];
    case 'aws':
      return optional('@opentelemetry/resource-detector-aws', (m) => [
        m.awsEc2Detector,
        m.awsEcsDetector,
        m.awsEksDetector,
        m.awsBeanstalkDetector,
        m.awsLambdaDetector,
      ]);
    case 'gcp':
      return optional('@opentelemetry/resource-detector-gcp', (m) => [m.gcpDetector]);
    case 'azure':
      return optional('@opentelemetry/resource-detector-azure', (m) => [
        m.azureAppServiceDetector,
        m.azureFunctionsDetector,
        m.azureVmDetector,
        m.azureAksDetector,
        m.azureContainerAppsDetector,
      ]);
    case 'alibaba':
      return optional('@opentelemetry/resource-detector-alibaba-cloud', (m) => [m.alibabaCloudEcsDetector]);
  }
}

function optional(pkg: string, pick: (m: any) => (ResourceDetector | undefined)[]): ResourceDetector[] {
  try {
    return pick(lazyRequire(pkg)).filter((d): d is ResourceDetector => d !== undefined);
  } catch (error) {
    log.warn(
      `resource detector package ${pkg} could not be loaded (${(error as Error).message}); skipping it`,
    );
    return [];
  }
}
