// partial_success (issue #20 item 4): read from the collector's answer by our exporter and counted
// as `rejected` by the batch processor, not as exported.
import { ExportResultCode } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { AcmeBatchSpanProcessor } from '../../../src/export/batch-processor.js';
import { PartialSuccessError, rejectedSpans } from '../../../src/export/export-errors.js';
import { decodePartialSuccess } from '../../../src/export/otlp/response.js';
import { successResult } from '../../../src/export/otlp/span-exporter.js';

/** ExportTraceServiceResponse bytes, written by hand as the proto says. */
function response(rejected: number, message: string, extra = false): Uint8Array {
  const inner = [
    0x08,
    ...varint(rejected),
    0x12,
    ...varint(Buffer.byteLength(message)),
    ...Buffer.from(message),
  ];
  const unknown = extra ? [0x18, 0x2a, 0x22, 0x01, 0x41] : []; // field 3 varint, field 4 bytes: skipped
  return Uint8Array.from([...unknown, 0x0a, ...varint(inner.length), ...inner]);
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

describe('decodePartialSuccess', () => {
  it('reads rejected_spans and error_message, skipping unknown fields', () => {
    expect(decodePartialSuccess(response(256, 'tenant quota exceeded'))).toEqual({
      rejectedSpans: 256,
      errorMessage: 'tenant quota exceeded',
    });
    expect(decodePartialSuccess(response(2 ** 40, 'é', true))).toEqual({
      rejectedSpans: 2 ** 40,
      errorMessage: 'é',
    });
    expect(decodePartialSuccess(response(0, 'just a warning'))).toEqual({
      rejectedSpans: 0,
      errorMessage: 'just a warning',
    });
  });

  it('treats an empty answer or an empty partial_success as full success', () => {
    expect(decodePartialSuccess(new Uint8Array(0))).toBeUndefined();
    expect(decodePartialSuccess(Uint8Array.from([0x0a, 0x00]))).toBeUndefined();
  });

  it('throws on truncated bytes; the exporter then counts the call as a plain success, as upstream', () => {
    const bytes = response(5, 'x').subarray(0, 4);
    expect(() => decodePartialSuccess(bytes)).toThrow();
    expect(successResult(bytes)).toEqual({ code: ExportResultCode.SUCCESS });
  });

  it('an answer with rejected spans is a SUCCESS result carrying them', () => {
    const result = successResult(response(3, 'bad spans'));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(result.error).toBeInstanceOf(PartialSuccessError);
    expect(rejectedSpans(result)).toBe(3);
    expect(result.error?.message).toBe('the collector rejected 3 spans: bad spans');
  });
});

describe('the batch processor with a partial success', () => {
  it('counts the rejected spans as rejected, the rest as exported', async () => {
    const exporter = {
      export: (spans: unknown[], done: (r: ReturnType<typeof successResult>) => void) =>
        done(successResult(response(Math.floor(spans.length / 4), 'too many attributes'))),
      shutdown: () => Promise.resolve(),
    };
    const processor = new AcmeBatchSpanProcessor(exporter as never, { maxExportBatchSize: 100 });
    const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer('t');
    for (let i = 0; i < 400; i++) tracer.startSpan('s').end();
    await processor.forceFlush();
    expect(processor.stats.snapshot()).toMatchObject({ exported: 300, rejected: 100, failed: 0, dropped: 0 });
    await processor.shutdown();
  });
});
