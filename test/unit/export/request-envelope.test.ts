import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { EncodedSpanQueue, type EncodedSpans } from '../../../src/export/otlp/encoded-queue.js';
import { buildTraceRequest, traceRequestChunks } from '../../../src/export/otlp/request.js';

// A gRPC request is written as views: spans from the slabs they were encoded into, the resource
// and scope as the bytes they were encoded into once. The request allocates only its field
// headers. Why it matters: a call that outlives two scavenges is promoted with whatever it
// allocated, which then waits for a mark-compact; a copy of the resource per request made the
// bench server's external memory grow steadily under load (#23, docs/performance.md 2026-12-07).

/** Spans of one provider whose resource encodes to well over 4 KiB (Node's pool takes less). */
function spans(n: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'envelope', 'big.attribute': 'r'.repeat(6000) }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('envelope-scope');
  for (let i = 0; i < n; i++) tracer.startSpan(`span-${i}`).end();
  return memory.getFinishedSpans();
}

/** The chunks of a request that are not views of its spans' slabs. */
function envelopeChunks(batch: EncodedSpans): Uint8Array[] {
  const slabBuffers = new Set(batch.slabs.map((slab) => slab.buffer));
  return traceRequestChunks(batch).filter((chunk) => !slabBuffers.has(chunk.buffer as ArrayBuffer));
}

describe('OTLP request envelopes', () => {
  it("references the resource's encoded bytes in every request instead of copying them", () => {
    const queue = new EncodedSpanQueue(1_000);
    for (const span of spans(40)) expect(queue.push(span)).toBe(true);
    const a = queue.take(20);
    const b = queue.take(20);

    const bigA = envelopeChunks(a).filter((chunk) => chunk.length > 6000);
    const bigB = envelopeChunks(b).filter((chunk) => chunk.length > 6000);
    expect(bigA).toHaveLength(1);
    expect(bigB).toHaveLength(1);
    // The same bytes in memory, not two copies of them.
    expect(bigA[0]!.buffer).toBe(bigB[0]!.buffer);
    expect(bigA[0]!.byteOffset).toBe(bigB[0]!.byteOffset);

    // What each request allocated for itself: the field headers only (tag + length varint each).
    for (const batch of [a, b]) {
      const own = envelopeChunks(batch).filter((chunk) => chunk.buffer !== bigA[0]!.buffer);
      const ownBytes = own.reduce((sum, chunk) => sum + chunk.length, 0);
      expect(ownBytes).toBeLessThan(200);
    }

    // And the request is the same bytes as the one built whole.
    expect(Buffer.concat(traceRequestChunks(a)).equals(Buffer.from(buildTraceRequest(a)))).toBe(true);
  });
});
