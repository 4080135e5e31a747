import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { EncodedSpans } from './encoded-queue.js';
import { resourceEnvelopeBytes, scopeEnvelopeBytes } from './request.js';

/**
 * Splits a batch of encoded spans, in order, into runs whose ExportTraceServiceRequest is at most
 * `maxBytes` (request.ts builds one per run). A request larger than the collector's limit is
 * refused whole (gRPC RESOURCE_EXHAUSTED, HTTP 413), so one large span used to cost every span
 * batched with it. The size counted is an upper bound: each span's exact bytes plus, the first
 * time a run meets a resource or a scope, that envelope with 5-byte length varints. A span over
 * the limit on its own (the queue truncates those, so only with a resource of more than the
 * queue's reserve) goes alone; the retrying exporter handles the collector's answer.
 * Call once the batch's resources have settled (the batch processor waits for that).
 */
export function splitBySize(batch: EncodedSpans, maxBytes: number): EncodedSpans[] {
  if (looseBound(batch) <= maxBytes) return [batch];
  const parts: EncodedSpans[] = [];
  let from = 0;
  let size = 0;
  let seen = new Map<Resource, Set<InstrumentationScope>>();
  for (let i = 0; i < batch.length; i++) {
    const resource = batch.resources[i]!;
    const scope = batch.scopes[i]!;
    let add = batch.ends[i]! - batch.starts[i]!;
    let scopes = seen.get(resource);
    if (!scopes) add += resourceEnvelopeBytes(resource) + scopeEnvelopeBytes(scope);
    else if (!scopes.has(scope)) add += scopeEnvelopeBytes(scope);
    if (i > from && size + add > maxBytes) {
      parts.push(batch.slice(from, i));
      from = i;
      size = 0;
      seen = new Map();
      scopes = undefined;
      add = batch.ends[i]! - batch.starts[i]! + resourceEnvelopeBytes(resource) + scopeEnvelopeBytes(scope);
    }
    if (!scopes) {
      scopes = new Set();
      seen.set(resource, scopes);
    }
    scopes.add(scope);
    size += add;
  }
  if (from === 0) return [batch];
  parts.push(batch.slice(from, batch.length));
  return parts;
}

/**
 * A cheaper, looser upper bound for the common case of a batch far below the limit: every span's
 * bytes, plus both envelopes wherever the resource or scope changes from one span to the next
 * (each resource and scope group of the request starts at one of those points). A fraction of
 * the exact pass's cost, itself small next to building the request (encode group,
 * bench/README.md).
 */
function looseBound(batch: EncodedSpans): number {
  let total = 0;
  let resource: Resource | undefined;
  let scope: InstrumentationScope | undefined;
  for (let i = 0; i < batch.length; i++) {
    total += batch.ends[i]! - batch.starts[i]!;
    const r = batch.resources[i]!;
    const s = batch.scopes[i]!;
    if (r !== resource || s !== scope) {
      total += resourceEnvelopeBytes(r) + scopeEnvelopeBytes(s);
      resource = r;
      scope = s;
    }
  }
  return total;
}
