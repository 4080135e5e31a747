import { ProtoReader } from './proto-reader.js';

// A gRPC server that throttles answers UNAVAILABLE or RESOURCE_EXHAUSTED with a google.rpc.Status
// in the `grpc-status-details-bin` trailer (base64), one of whose details is a RetryInfo: how long
// to wait before the retry (OTLP spec, "OTLP/gRPC Throttling"). The trailer is the server's to
// fill, so it is read as hostile: bounded in size, and anything malformed is as good as absent.

/** A Status with a RetryInfo is a few dozen bytes; a longer trailer is not decoded. */
export const MAX_STATUS_DETAILS_BYTES = 4096;
const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';
// google.protobuf.Duration's range; nanos of a positive Duration.
const MAX_DURATION_SECONDS = 315_576_000_000;
const MAX_NANOS = 999_999_999;
// A negative int64 reads as 2^63 or more (proto-reader.ts); so does 2^63 - 1, out of range anyway.
const NEGATIVE = 2 ** 63;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * The `retry_delay` of the first RetryInfo in a `grpc-status-details-bin` value (base64 text as
 * node:http2 gives it, or the bytes as grpc-js's metadata holds them), in ms, within Duration's
 * range (retry-delay.ts bounds it further). Undefined when there is none, or the value is
 * oversized or malformed (never throws).
 */
export function decodeRetryInfo(value: unknown): number | undefined {
  try {
    const status = statusBytes(value);
    return status === undefined ? undefined : firstRetryDelay(status);
  } catch {
    return undefined;
  }
}

function statusBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value.length <= MAX_STATUS_DETAILS_BYTES ? value : undefined;
  if (typeof value !== 'string') return undefined;
  // Checked before decoding: 4 characters per 3 bytes, padding or not.
  if (value.length > Math.ceil(MAX_STATUS_DETAILS_BYTES / 3) * 4 || !BASE64.test(value)) return undefined;
  return Buffer.from(value, 'base64');
}

/** google.rpc.Status: details (3) are google.protobuf.Any; code (1) and message (2) are skipped. */
function firstRetryDelay(status: Uint8Array): number | undefined {
  const reader = new ProtoReader(status);
  let delay: number | undefined;
  while (reader.more()) {
    const tag = reader.varint();
    if (tag === 0x1a) {
      const any = reader.bytes(); // read even after the first RetryInfo: the rest must parse
      delay ??= retryInfoDelay(any);
    } else reader.skip(tag & 7);
  }
  return delay;
}

/** The delay of an Any holding a RetryInfo (type_url 1, value 2, in either order); else undefined. */
function retryInfoDelay(any: Uint8Array): number | undefined {
  const reader = new ProtoReader(any);
  let typeUrl = '';
  let value: Uint8Array = new Uint8Array(0);
  while (reader.more()) {
    const tag = reader.varint();
    if (tag === 0x0a) typeUrl = Buffer.from(reader.bytes()).toString('latin1');
    else if (tag === 0x12) value = reader.bytes();
    else reader.skip(tag & 7);
  }
  if (typeUrl !== RETRY_INFO_TYPE) return undefined;
  // RetryInfo { retry_delay (1): Duration }; without one, the delay is 0: retry at once.
  const info = new ProtoReader(value);
  let duration: Uint8Array = new Uint8Array(0);
  while (info.more()) {
    const tag = info.varint();
    if (tag === 0x0a) duration = info.bytes();
    else info.skip(tag & 7);
  }
  return durationMillis(duration);
}

/** Duration { seconds (1) int64, nanos (2) int32 } in ms, rounded up; throws if negative or out of range. */
function durationMillis(duration: Uint8Array): number {
  const reader = new ProtoReader(duration);
  let seconds = 0;
  let nanos = 0;
  while (reader.more()) {
    const tag = reader.varint();
    if (tag === 0x08) seconds = reader.varint();
    else if (tag === 0x10) nanos = reader.varint();
    else reader.skip(tag & 7);
  }
  if (seconds >= NEGATIVE || nanos > MAX_NANOS) throw new Error('negative or invalid Duration');
  return Math.min(seconds, MAX_DURATION_SECONDS) * 1000 + Math.ceil(nanos / 1e6);
}
