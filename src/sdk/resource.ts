import type { Attributes } from '@opentelemetry/api';
import {
  defaultResource,
  detectResources,
  osDetector,
  processDetector,
  type Resource,
  type ResourceDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { log } from '../diag/index.js';
import {
  fitResource,
  resourceEnvelopeBytes,
  resourceLimitBytes,
  TRUNCATED_ATTRIBUTE,
} from '../export/index.js';
import { scrubArgs } from '../redaction/args.js';
import type { Redactor } from '../redaction/redactor.js';
import { redactorFor } from '../redaction/shared.js';
import type { DetectorName, ResolvedConfig } from '../types.js';
import { groupThousands } from '../util/group-thousands.js';
import { lazyRequire } from '../util/index.js';
import { instanceIdDetector } from './instance-id.js';
import { syncContainerDetector, syncHostDetector } from './sync-detectors.js';

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
  const missing: CloudDetectorName[] = [];
  for (const name of config.resourceDetectors) detectors.push(...detectorsFor(name, scrub, missing));
  if (missing.length > 0) warnMissing(missing);
  const detected = detectResources({ detectors });
  const service: Attributes = { 'service.name': config.serviceName ?? 'unknown_service:node' };
  if (config.serviceVersion !== undefined) service['service.version'] = config.serviceVersion;
  if (config.environment !== undefined) service['deployment.environment.name'] = config.environment;
  let given: Attributes = config.resourceAttributes;
  if (scrub !== undefined) {
    given = { ...given };
    scrub.redactor.attributes(given);
  }
  const base = defaultResource().merge(detected);
  const layer = resourceFromAttributes({ ...given, ...service });
  if (!base.asyncAttributesPending) return fitted(base.merge(layer), config.maxExportRequestBytes);
  // Cloud detectors' values are not known yet (they are small: ids, regions): fit what is, check
  // the whole once they have settled.
  const resource = base.merge(fitted(layer, config.maxExportRequestBytes));
  void resource.waitForAsyncAttributes?.().then(() => {
    const bytes = resourceEnvelopeBytes(resource);
    const limit = resourceLimitBytes(config.maxExportRequestBytes);
    if (bytes > limit)
      log.warn(
        `the resource's attributes, with the cloud detectors', take ${groupThousands(bytes)} bytes encoded, more than the ${groupThousands(limit)} an export request keeps for them (maxExportRequestBytes ${groupThousands(config.maxExportRequestBytes)}); requests may be refused as too large`,
      );
  });
  return resource;
}

/**
 * `resource`, or a copy cut to what an export request keeps for it, said in one line: a resource
 * goes out with every request, so one too large made every export fail as "too large", blamed on
 * its spans. The OTel specification exempts resources from attribute limits; this is the request's.
 */
function fitted(resource: Resource, maxRequestBytes: number): Resource {
  const fit = fitResource(resource, maxRequestBytes);
  if (fit === undefined) return resource;
  const what = [
    fit.cut.length > 0 ? `cut ${listed(fit.cut)} (named in the resource's ${TRUNCATED_ATTRIBUTE})` : '',
    fit.dropped.length > 0
      ? `kept only the service.*, telemetry.sdk.* and deployment.environment* attributes, left out ${fit.dropped.length}: ${listed(fit.dropped)}`
      : '',
  ].filter(Boolean);
  log.warn(
    `the resource's attributes take ${groupThousands(fit.encodedBytes)} bytes encoded and go with every export request, which keeps ${groupThousands(fit.limitBytes)} for them (from maxExportRequestBytes ${groupThousands(maxRequestBytes)}): ${what.join('; ')}`,
  );
  return fit.resource;
}

/** Up to 8 names, then how many more. */
function listed(names: readonly string[]): string {
  const shown = names.slice(0, 8).join(', ');
  return names.length > 8 ? `${shown} and ${names.length - 8} more` : shown;
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

function detectorsFor(
  name: DetectorName,
  scrub: Scrub | undefined,
  missing: CloudDetectorName[],
): ResourceDetector[] {
  switch (name) {
    // OTEL_RESOURCE_ATTRIBUTES is parsed once by resolveConfig and always applied.
    case 'env':
      return [];
    case 'host':
      return [syncHostDetector];
    case 'os':
      return [osDetector];
    case 'process':
      return [scrub === undefined ? processDetector : scrubbedProcessDetector(scrub)];
    case 'container':
      return [syncContainerDetector];
    case 'aws':
      return optional('aws', missing, (m) => [
        m.awsEc2Detector,
        m.awsEcsDetector,
        m.awsEksDetector,
        m.awsBeanstalkDetector,
        m.awsLambdaDetector,
      ]);
    case 'gcp':
      return optional('gcp', missing, (m) => [m.gcpDetector]);
    case 'azure':
      return optional('azure', missing, (m) => [
        m.azureAppServiceDetector,
        m.azureFunctionsDetector,
        m.azureVmDetector,
        m.azureAksDetector,
        m.azureContainerAppsDetector,
      ]);
    case 'alibaba':
      return optional('alibaba', missing, (m) => [m.alibabaCloudEcsDetector]);
  }
}

type CloudDetectorName = 'aws' | 'gcp' | 'azure' | 'alibaba';

/**
 * The cloud detector packages: optional peer dependencies, not dependencies (issue 21). They run
 * only when listed, and gcp alone pulled gcp-metadata, gaxios and web-streams-polyfill (~12 MB)
 * into every install. `version` is the one we test with (package.json devDependencies; a unit test
 * keeps the two equal): the missing-package line tells the user exactly what to install.
 */
export const CLOUD_DETECTOR_PACKAGES: Readonly<Record<CloudDetectorName, { pkg: string; version: string }>> =
  {
    aws: { pkg: '@opentelemetry/resource-detector-aws', version: '2.23.0' },
    gcp: { pkg: '@opentelemetry/resource-detector-gcp', version: '0.58.0' },
    azure: { pkg: '@opentelemetry/resource-detector-azure', version: '0.31.0' },
    alibaba: { pkg: '@opentelemetry/resource-detector-alibaba-cloud', version: '0.38.0' },
  };

function optional(
  name: CloudDetectorName,
  missing: CloudDetectorName[],
  pick: (m: any) => (ResourceDetector | undefined)[],
): ResourceDetector[] {
  const { pkg } = CLOUD_DETECTOR_PACKAGES[name];
  try {
    // Resolved first, so that "not installed" (the usual case now that these are optional peers)
    // is told apart from a package that is there but fails to load (a missing dependency of its own).
    lazyRequire.resolve(pkg);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      missing.push(name);
      return [];
    }
  }
  try {
    return pick(lazyRequire(pkg)).filter((d): d is ResourceDetector => d !== undefined);
  } catch (error) {
    log.warn(
      `resource detector package ${pkg} could not be loaded (${(error as Error).message}); skipping it`,
    );
    return [];
  }
}

/** One line for all the listed cloud detectors whose package is not installed, with the command that fixes it. */
function warnMissing(missing: CloudDetectorName[]): void {
  const names = missing.join(', ');
  const install = missing.map(
    (n) => `${CLOUD_DETECTOR_PACKAGES[n].pkg}@${CLOUD_DETECTOR_PACKAGES[n].version}`,
  );
  const message =
    missing.length === 1
      ? `resource detector ${names} is listed but its package is not installed; skipping it. To use it: npm install ${install[0]}`
      : `resource detectors ${names} are listed but their packages are not installed; skipping them. To use them: npm install ${install.join(' ')}`;
  log.warnOnce(`missing-detectors:${names}`, message);
}
