// Builds `grpc-status-details-bin` values: a google.rpc.Status protobuf whose details may hold a
// google.rpc.RetryInfo (OTLP spec, "OTLP/gRPC Throttling"). Hand-written protobuf, independent of
// src/export/otlp/retry-info.ts, for its tests and for the test receiver's throttling mode.
// Types: ./grpc-status-details.d.mts.

export const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/** A varint; a negative number as protobuf writes an int64/int32: 10 bytes of two's complement. */
export function varint(value) {
  let n = BigInt(value);
  if (n < 0n) n += 1n << 64n;
  const out = [];
  do {
    const low = Number(n & 0x7fn);
    n >>= 7n;
    out.push(n > 0n ? low | 0x80 : low);
  } while (n > 0n);
  return Buffer.from(out);
}

/** A length-delimited field (wire type 2). */
export function lengthField(number, bytes) {
  const payload = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes);
  return Buffer.concat([varint((number << 3) | 2), varint(payload.length), payload]);
}

/** A varint field (wire type 0). */
export function varintField(number, value) {
  return Buffer.concat([varint(number << 3), varint(value)]);
}

/** google.protobuf.Duration; zero fields left out, as protobuf does. */
export function duration({ seconds = 0, nanos = 0 } = {}) {
  return Buffer.concat([
    ...(BigInt(seconds) !== 0n ? [varintField(1, seconds)] : []),
    ...(nanos !== 0 ? [varintField(2, nanos)] : []),
  ]);
}

/** google.protobuf.Any. */
export function any(typeUrl, value) {
  return Buffer.concat([lengthField(1, typeUrl), lengthField(2, value)]);
}

/** An Any holding RetryInfo { retry_delay }. */
export function retryInfo(delay) {
  return any(RETRY_INFO_TYPE, lengthField(1, duration(delay)));
}

/** google.rpc.Status { code, message, details } with the given Any details (already encoded). */
export function status({ code, message = '', details = [] }) {
  return Buffer.concat([
    varintField(1, code),
    ...(message ? [lengthField(2, message)] : []),
    ...details.map((d) => lengthField(3, d)),
  ]);
}

/** The Status with one RetryInfo of `delayMs`, as the trailer carries it. */
export function retryInfoStatus(code, message, delayMs) {
  const seconds = Math.floor(delayMs / 1000);
  const nanos = Math.round((delayMs - seconds * 1000) * 1e6);
  return status({ code, message, details: [retryInfo({ seconds, nanos })] });
}
