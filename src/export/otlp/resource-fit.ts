import type { Attributes } from '@opentelemetry/api';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { envelopeReserve } from './encoded-queue.js';
import { resourceEnvelopeBytes } from './request.js';
import { type Candidate, collect, cutLongest, TRUNCATED_ATTRIBUTE } from './span-truncation.js';

/** What became of a resource too large for an export request. */
export interface FittedResource {
  readonly resource: Resource;
  /** Its encoded size as it was, and the most it may take. */
  readonly encodedBytes: number;
  readonly limitBytes: number;
  /** Values cut (attribute keys, `process.command_args[3]`), named in TRUNCATED_ATTRIBUTE too. */
  readonly cut: readonly string[];
  /** Attributes left out whole: cutting every value was not enough (thousands of keys). */
  readonly dropped: readonly string[];
}

/**
 * The most a resource may take in an export request: three quarters of the room the export queue
 * keeps beside each span for its resource and scope (encoded-queue.ts), the rest for the scope.
 * The resource goes out with every request, so one larger than that makes some spans unsendable,
 * and one larger than the request limit every span, each blamed on the span.
 */
export function resourceLimitBytes(maxRequestBytes: number): number {
  return Math.floor((envelopeReserve(maxRequestBytes) * 3) / 4);
}

/** Keys kept whatever the resource's size: what names the service and the SDK. */
const ESSENTIAL = /^(?:service\.|telemetry\.sdk\.|deployment\.environment)/;

/**
 * `resource` cut to fit {@link resourceLimitBytes}, or undefined when it fits as it is. The
 * longest string values are cut first, as a span's are (span-truncation.ts: short values stay
 * whole, each cut one ends with a marker of its size, TRUNCATED_ATTRIBUTE lists them); when that
 * cannot be enough (thousands of small attributes) only the service and SDK keys are kept, cut
 * if need be. Call with a resource whose async attributes have settled.
 */
export function fitResource(resource: Resource, maxRequestBytes: number): FittedResource | undefined {
  const limitBytes = resourceLimitBytes(maxRequestBytes);
  const encodedBytes = resourceEnvelopeBytes(resource);
  if (encodedBytes <= limitBytes) return undefined;
  const options = resource.schemaUrl ? { schemaUrl: resource.schemaUrl } : {};
  const all = resource.attributes;
  const first = cutToFit(all, encodedBytes - limitBytes);
  if (first) {
    const fitted = resourceFromAttributes(first.attributes, options);
    if (resourceEnvelopeBytes(fitted) <= limitBytes)
      return { resource: fitted, encodedBytes, limitBytes, cut: first.cut, dropped: [] };
  }
  const kept: Attributes = {};
  const dropped: string[] = [];
  for (const key of Object.keys(all)) {
    if (ESSENTIAL.test(key)) kept[key] = all[key];
    else dropped.push(key);
  }
  const keptBytes = resourceEnvelopeBytes(resourceFromAttributes(kept));
  const second = keptBytes > limitBytes ? cutToFit(kept, keptBytes - limitBytes) : undefined;
  const attributes = second?.attributes ?? kept;
  return {
    resource: resourceFromAttributes(attributes, options),
    encodedBytes,
    limitBytes,
    cut: second?.cut ?? [],
    dropped,
  };
}

function cutToFit(
  attributes: Attributes,
  excessBytes: number,
): { attributes: Attributes; cut: string[] } | undefined {
  const copy: Attributes = { ...attributes };
  const candidates: Candidate[] = [];
  collect(candidates, '', copy);
  const cut = cutLongest(candidates, excessBytes);
  if (cut === undefined) return undefined;
  copy[TRUNCATED_ATTRIBUTE] = cut;
  return { attributes: copy, cut };
}
