import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { EncodedSpanQueue, EncodedSpans } from './encoded-queue.js';
import { ProtoWriter, varintSize } from './proto-writer.js';
import { type RequestOutput, ViewOutput, WholeOutput } from './request-output.js';
import { writeResource, writeScope } from './span-encoder.js';

// Encoded resource and scope messages, per object: both are immutable once the resource's
// async attributes have settled (the batch processor waits for that before exporting).
const resourceBytes = new WeakMap<Resource, Uint8Array>();
const scopeBytes = new WeakMap<InstrumentationScope, Uint8Array>();
const scratch = new ProtoWriter();
/** A field header: a one-byte tag and a length varint (at most 5 bytes under 32 GiB). */
const MAX_HEADER_BYTES = 6;

/**
 * One ExportTraceServiceRequest for spans that are already encoded (or plain `ReadableSpan`s,
 * encoded here). Spans are grouped by resource, then scope, each in first-seen order — upstream's
 * grouping, so the bytes equal upstream's serializer output for the same spans.
 */
export function buildTraceRequest(spans: EncodedSpans | readonly ReadableSpan[]): Uint8Array {
  const batch = spans instanceof EncodedSpans ? spans : encodeAll(spans);
  if (!batch.request) {
    const plan = planRequest(batch);
    const out = new WholeOutput(plan.total);
    writeRequest(plan, out);
    batch.request = out.bytes;
  }
  return batch.request;
}

/**
 * The same request as {@link buildTraceRequest}, as consecutive buffers for a transport that
 * writes them one after the other: the field headers in one small buffer, the resource's and
 * scopes' bytes as encoded once (shared by every request), and the spans as views of the slabs they were encoded into when they ended
 * (encoded-queue.ts). Nothing the size of the request is allocated or copied; the caller holds
 * the slabs until its call is over (`holdSlabs`), so that the queue does not reuse them meanwhile.
 * Memoized for a retried export.
 */
export function traceRequestChunks(spans: EncodedSpans | readonly ReadableSpan[]): Uint8Array[] {
  const batch = spans instanceof EncodedSpans ? spans : encodeAll(spans);
  // Built whole already, or handed over as request bytes with no spans behind them (worker
  // threads' spans, exit/thread-inbox.ts).
  if (batch.request) return [batch.request];
  if (!batch.chunks) {
    const plan = planRequest(batch);
    let headers = 0;
    for (const group of plan.groups) headers += 1 + group.scopes.length;
    const out = new ViewOutput(MAX_HEADER_BYTES * headers);
    writeRequest(plan, out);
    batch.chunks = out.finish();
  }
  return batch.chunks;
}

/**
 * The exact size of `batch`'s request, in bytes: read off the request or chunks already built
 * (a request that was sent), else planned without being written.
 */
export function requestBytes(batch: EncodedSpans): number {
  if (batch.request) return batch.request.length;
  if (batch.chunks) return batch.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  return planRequest(batch).total;
}

interface RequestPlan {
  readonly groups: readonly {
    readonly resource: Resource;
    readonly length: number;
    readonly scopes: readonly { scope: InstrumentationScope; length: number; runs: Run[] }[];
  }[];
  /** The request's size, and how much of it is span bytes. */
  readonly total: number;
  readonly spanBytes: number;
}

/** The request's layout and sizes, so that it is written once, in order. */
function planRequest(batch: EncodedSpans): RequestPlan {
  // Per resource, per scope: runs of encoded bytes. Spans that ended one after the other sit next
  // to each other in a slab, so a run usually covers many spans.
  const byResource = new Map<Resource, Map<InstrumentationScope, Run[]>>();
  let spanBytes = 0;
  for (let i = 0; i < batch.length; i++) {
    const resource = batch.resources[i]!;
    const scope = batch.scopes[i]!;
    let byScope = byResource.get(resource);
    if (!byScope) {
      byScope = new Map();
      byResource.set(resource, byScope);
    }
    let runs = byScope.get(scope);
    if (!runs) {
      runs = [];
      byScope.set(scope, runs);
    }
    const slab = batch.slabs[i]!;
    const start = batch.starts[i]!;
    const end = batch.ends[i]!;
    spanBytes += end - start;
    const last = runs[runs.length - 1];
    if (last && last.slab === slab && last.end === start) last.end = end;
    else runs.push({ slab, start, end });
  }

  let total = 0;
  const groups = [];
  for (const [resource, byScope] of byResource) {
    let resourceLength = encodedResource(resource).length + schemaSize(resource.schemaUrl);
    const scopes = [];
    for (const [scope, runs] of byScope) {
      let length = encodedScope(scope).length + schemaSize(scope.schemaUrl);
      for (const run of runs) length += run.end - run.start;
      scopes.push({ scope, length, runs });
      resourceLength += 1 + varintSize(length) + length;
    }
    groups.push({ resource, length: resourceLength, scopes });
    total += 1 + varintSize(resourceLength) + resourceLength;
  }
  return { groups, total, spanBytes };
}

function writeRequest(plan: RequestPlan, out: RequestOutput): void {
  for (const { resource, length, scopes } of plan.groups) {
    out.header(0x0a, length); // ExportTraceServiceRequest.resource_spans = 1
    out.copy(encodedResource(resource));
    for (const s of scopes) {
      out.header(0x12, s.length); // ResourceSpans.scope_spans = 2
      out.copy(encodedScope(s.scope));
      for (const run of s.runs) out.spans(run.slab, run.start, run.end);
      if (s.scope.schemaUrl) out.copy(encodedSchema(s.scope.schemaUrl));
    }
    if (resource.schemaUrl) out.copy(encodedSchema(resource.schemaUrl));
  }
}

interface Run {
  readonly slab: Buffer;
  readonly start: number;
  end: number;
}

function encodeAll(spans: readonly ReadableSpan[]): EncodedSpans {
  const queue = new EncodedSpanQueue(Math.max(1, spans.length));
  for (const span of spans) queue.push(span);
  return queue.take(spans.length);
}

/**
 * At most how many bytes a request spends on one resource or scope around its spans: the
 * message, a `schema_url`, and the group's tag and length (a length varint is at most 5 bytes
 * for anything under 32 GiB). Call once the resource's async attributes have settled.
 */
export function resourceEnvelopeBytes(resource: Resource): number {
  return 6 + encodedResource(resource).length + schemaSize(resource.schemaUrl);
}

export function scopeEnvelopeBytes(scope: InstrumentationScope): number {
  return 6 + encodedScope(scope).length + schemaSize(scope.schemaUrl);
}

function encodedResource(resource: Resource): Uint8Array {
  let bytes = resourceBytes.get(resource);
  if (!bytes) {
    bytes = encodeWith((w) => writeResource(w, resource));
    if (!resource.asyncAttributesPending) resourceBytes.set(resource, bytes);
  }
  return bytes;
}

function encodedScope(scope: InstrumentationScope): Uint8Array {
  let bytes = scopeBytes.get(scope);
  if (!bytes) {
    bytes = encodeWith((w) => writeScope(w, scope));
    scopeBytes.set(scope, bytes);
  }
  return bytes;
}

/** `schema_url = 3` of ScopeSpans / ResourceSpans. */
function encodedSchema(url: string): Uint8Array {
  return encodeWith((w) => {
    w.tag(3, 2);
    w.string(url);
  });
}

function schemaSize(url: string | undefined): number {
  return url ? encodedSchema(url).length : 0;
}

function encodeWith(write: (w: ProtoWriter) => void): Uint8Array {
  scratch.reset();
  write(scratch);
  return Uint8Array.prototype.slice.call(scratch.buf, 0, scratch.pos);
}
