import { ProtoReader } from './proto-reader.js';

/** What an ExportTraceServiceResponse says beyond "OK": its `partial_success`, if any. */
export interface PartialSuccess {
  /** Spans the collector dropped (`rejected_spans`); 0 with a message is a warning. */
  readonly rejectedSpans: number;
  /** The collector's `error_message`, as sent (may be empty). */
  readonly errorMessage: string;
}

/**
 * Reads `partial_success` (field 1: `rejected_spans` int64 = 1, `error_message` string = 2) out of
 * an ExportTraceServiceResponse. A few lines of protobuf instead of upstream's deserializer, which
 * loads @opentelemetry/otlp-transformer (with sdk-metrics, resources, api-logs: ~160 modules,
 * 100–230 ms of blocked event loop at the first export). Unknown fields are skipped, as protobuf
 * requires. Returns undefined for an empty partial_success (the spec's "full success").
 */
export function decodePartialSuccess(bytes: Uint8Array): PartialSuccess | undefined {
  const outer = new ProtoReader(bytes);
  let partial: Uint8Array | undefined;
  while (outer.more()) {
    const tag = outer.varint();
    if (tag === 0x0a) partial = outer.bytes();
    else outer.skip(tag & 7);
  }
  if (partial === undefined) return undefined;
  const inner = new ProtoReader(partial);
  let rejectedSpans = 0;
  let errorMessage = '';
  while (inner.more()) {
    const tag = inner.varint();
    if (tag === 0x08) rejectedSpans = inner.varint();
    else if (tag === 0x12) errorMessage = Buffer.from(inner.bytes()).toString('utf8');
    else inner.skip(tag & 7);
  }
  if (rejectedSpans === 0 && errorMessage === '') return undefined;
  return { rejectedSpans, errorMessage };
}

/**
 * The `message` (field 2) of a google.rpc.Status, which an OTLP/HTTP collector answers a protobuf
 * request's error with (OTLP spec, "Failures"). Undefined when it has none; throws when the bytes
 * are no protobuf, or the message is no UTF-8 (a text answer read as protobuf by mistake).
 */
export function decodeStatusMessage(bytes: Uint8Array): string | undefined {
  const reader = new ProtoReader(bytes);
  let message: string | undefined;
  while (reader.more()) {
    const tag = reader.varint();
    if (tag >>> 3 === 0) throw new Error('field number 0');
    if (tag === 0x12) message = new TextDecoder('utf-8', { fatal: true }).decode(reader.bytes());
    else reader.skip(tag & 7);
  }
  return message;
}
