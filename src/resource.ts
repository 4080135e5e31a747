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
import { log } from './diag.js';
import { instanceIdDetector } from './instance-id.js';
import { lazyRequire } from './lazy-require.js';
import type { DetectorName, ResolvedConfig } from './types.js';

/**
 * The resource for a resolved config: detectors first, then `OTEL_RESOURCE_ATTRIBUTES` and code
 * attributes, then service name/version/environment, each layer winning over the one before.
 * Cloud detectors (they call the 169.254.169.254 metadata address) run only when listed.
 */
export function createResource(config: ResolvedConfig): Resource {
  const detectors: ResourceDetector[] = [instanceIdDetector];
  for (const name of config.resourceDetectors) detectors.push(...detectorsFor(name));
  const detected = detectResources({ detectors });
  const service: Attributes = { 'service.name': config.serviceName ?? 'unknown_service:node' };
  if (config.serviceVersion !== undefined) service['service.version'] = config.serviceVersion;
  if (config.environment !== undefined) service['deployment.environment.name'] = config.environment;
  return defaultResource()
    .merge(detected)
    .merge(resourceFromAttributes(config.resourceAttributes))
    .merge(resourceFromAttributes(service));
}

function detectorsFor(name: DetectorName): ResourceDetector[] {
  switch (name) {
    // OTEL_RESOURCE_ATTRIBUTES is parsed once by resolveConfig and always applied.
    case 'env':
      return [];
    case 'host':
      return [hostDetector];
    case 'os':
      return [osDetector];
    case 'process':
      return [processDetector];
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
