import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { AcmeBatchSpanProcessor } from '../../../src/export/batch-processor.js';
import { EncodedSpanQueue, type EncodedSpans, holdSlabs } from '../../../src/export/otlp/encoded-queue.js';
import type { GrpcTransport } from '../../../src/export/otlp/grpc-transport.js';
import { traceRequestChunks } from '../../../src/export/otlp/request.js';
import { OtlpSpanExporter } from '../../../src/export/otlp/span-exporter.js';

// The OTLP queue encodes spans into 64 KiB slabs and reuses a slab once nothing refers to its
// bytes: not the queue (the batch processor released the spans when their export was answered),
// and not a request still being written from it (views of the slabs, held until its call closed).
// A slab reused too early would change the bytes of a request still in flight: these tests check
// the bytes, not only the bookkeeping.

/** Ended spans of ~1 KB each (so ~60 fill a slab), named by index. */
function spans(n: number, from = 0): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'slabs' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('slabs');
  for (let i = from; i < from + n; i++)
    tracer.startSpan(`span-${i}`, { attributes: { pad: `${i}`.repeat(1000 / `${i}`.length) } }).end();
  return memory.getFinishedSpans();
}

function fill(queue: EncodedSpanQueue, list: ReadableSpan[]): void {
  for (const s of list) expect(queue.push(s)).toBe(true);
}

const bytesOf = (batch: EncodedSpans) => Buffer.concat(traceRequestChunks(batch));
const slabSet = (batch: EncodedSpans) => new Set(batch.slabs);

describe('OTLP queue slab reuse', () => {
  it('reuses a slab once all its spans are released, never one with a span still queued or sent', () => {
    const queue = new EncodedSpanQueue(10_000);
    fill(queue, spans(400));
    const a = queue.take(200);
    const b = queue.take(200);
    const shared = [...slabSet(a)].filter((s) => slabSet(b).has(s));
    const onlyA = [...slabSet(a)].filter((s) => !slabSet(b).has(s));
    expect(shared.length).toBe(1);
    expect(onlyA.length).toBeGreaterThan(1);
    const before = Buffer.from(bytesOf(b));

    queue.release(a);
    fill(queue, spans(400, 400));
    const c = queue.take(400);
    // A's own slabs were taken again; the one A shared with B (still unreleased) was not.
    expect(onlyA.some((s) => slabSet(c).has(s))).toBe(true);
    expect(shared.some((s) => slabSet(c).has(s))).toBe(false);
    expect(bytesOf(b).equals(before)).toBe(true);
  });

  it('keeps the slabs of a request still being written, even after the processor released it', () => {
    const queue = new EncodedSpanQueue(10_000);
    fill(queue, spans(300));
    const a = queue.take(300);
    const chunks = traceRequestChunks(a);
    const before = Buffer.concat(chunks);
    const unhold = holdSlabs(a);
    queue.release(a);
    // The slab A ended in is still the queue's, which goes on filling it after A's bytes.
    const retired = [...slabSet(a)].filter((s) => s !== a.slabs.at(-1));
    fill(queue, spans(600, 300));
    const b = queue.take(600);
    expect(retired.some((s) => slabSet(b).has(s))).toBe(false);
    // The very buffers a transport would still be writing are unchanged.
    expect(Buffer.concat(chunks).equals(before)).toBe(true);

    // Once the call is over, A's slabs are the next ones filled.
    unhold();
    fill(queue, spans(200, 900));
    const c = queue.take(200);
    const reused = retired.filter((s) => slabSet(c).has(s));
    expect(reused.length).toBeGreaterThan(0);
    // A second call is a no-op: it must not count down slabs that C now uses.
    unhold();
    const cBytes = Buffer.from(bytesOf(c));
    fill(queue, spans(600, 1100));
    queue.take(600);
    expect(bytesOf(c).equals(cBytes)).toBe(true);
    queue.release(b);
  });

  it('every span of every batch keeps its bytes through many reuse cycles', () => {
    const queue = new EncodedSpanQueue(10_000);
    const inFlight: { batch: EncodedSpans; bytes: Buffer; unhold: () => void }[] = [];
    let next = 0;
    for (let round = 0; round < 40; round++) {
      fill(queue, spans(97, next));
      next += 97;
      const batch = queue.take(97);
      inFlight.push({ batch, bytes: Buffer.from(bytesOf(batch)), unhold: holdSlabs(batch) });
      // Answers come back out of order, and the hold ends at a different time than the release.
      if (inFlight.length > 3) {
        const done = inFlight.splice(round % 3, 1)[0]!;
        queue.release(done.batch);
        expect(bytesOf(done.batch).equals(done.bytes)).toBe(true);
        done.unhold();
      }
      for (const f of inFlight) expect(bytesOf(f.batch).equals(f.bytes)).toBe(true);
    }
  });
});

describe('batch processor and slab reuse', () => {
  it('releases a request once its exporter answered, not when the processor stopped waiting', async () => {
    const released: number[] = [];
    const answers: ((r: ExportResult) => void)[] = [];
    const processor = new AcmeBatchSpanProcessor(
      {
        export(_spans: ReadableSpan[], cb: (r: ExportResult) => void) {
          answers.push(cb);
        },
        async shutdown() {},
      },
      {
        maxExportBatchSize: 50,
        scheduledDelayMillis: 1,
        exportTimeoutMillis: 30,
        createQueue: (capacity) => {
          const queue = new EncodedSpanQueue(capacity);
          const release = queue.release.bind(queue);
          queue.release = (s) => {
            released.push(s.length);
            release(s);
          };
          return queue;
        },
      },
    );
    for (const s of spans(50)) processor.onEnd(s);
    await new Promise((r) => setTimeout(r, 120)); // past the processor's 30 ms export timeout
    expect(answers.length).toBe(1);
    expect(released).toEqual([]);
    answers[0]!({ code: ExportResultCode.SUCCESS });
    answers[0]!({ code: ExportResultCode.SUCCESS }); // an exporter answering twice
    expect(released).toEqual([50]);
    await processor.shutdown();
  });
});

describe('gRPC exporter and slab reuse', () => {
  it('holds the slabs it writes from until the transport says the call is over', async () => {
    let closeCall: (() => void) | undefined;
    const sent: Uint8Array[][] = [];
    const transport = {
      send(message: Uint8Array[]) {
        sent.push(message);
        return new Promise((resolve) => {
          closeCall = () => resolve({ status: 'success', data: undefined });
        });
      },
      shutdown() {},
    } as unknown as GrpcTransport;
    const exporter = new OtlpSpanExporter(transport, 10_000);
    const queue = new EncodedSpanQueue(10_000);
    fill(queue, spans(300));
    const a = queue.take(300);
    const retired = [...slabSet(a)].filter((s) => s !== a.slabs.at(-1));
    const answered: ExportResult[] = [];
    exporter.export(a, (r) => answered.push(r));
    const before = Buffer.concat(sent[0]!);
    // The processor stops waiting (its timeout) and releases A; the call is still writing.
    queue.release(a);
    fill(queue, spans(600, 300));
    const b = slabSet(queue.take(600));
    expect(retired.some((s) => b.has(s))).toBe(false);
    expect(Buffer.concat(sent[0]!).equals(before)).toBe(true);

    closeCall!();
    await new Promise((r) => setImmediate(r));
    expect(answered.map((r) => r.code)).toEqual([ExportResultCode.SUCCESS]);
    fill(queue, spans(200, 900));
    const c = slabSet(queue.take(200));
    expect(retired.some((s) => c.has(s))).toBe(true);
  });
});
