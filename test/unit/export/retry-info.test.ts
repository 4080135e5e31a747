// The RetryInfo a throttling gRPC server sends in `grpc-status-details-bin` (OTLP spec, "OTLP/gRPC
// Throttling"): decoded from a trailer the server fills, so hostile input must never throw, hang
// or allocate without bound, and a malformed one is as good as none.
import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/export/otlp/http-answer.js';
import {
  askedRetryDelay,
  formatRetryDelay,
  grpcRetryDelay,
  MAX_RETRY_DELAY_MILLIS,
} from '../../../src/export/otlp/retry-delay.js';
import { decodeRetryInfo, MAX_STATUS_DETAILS_BYTES } from '../../../src/export/otlp/retry-info.js';
import {
  any,
  duration,
  lengthField,
  RETRY_INFO_TYPE,
  retryInfo,
  retryInfoStatus,
  status,
  varint,
  varintField,
} from '../../support/grpc-status-details.mjs';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const throttled = (...details: Uint8Array[]) => status({ code: 8, message: 'slow down', details });

describe('decodeRetryInfo', () => {
  it('reads retry_delay from the base64 trailer (as node:http2 gives it) and from bytes (grpc-js)', () => {
    const bytes = throttled(retryInfo({ seconds: 2, nanos: 500_000_000 }));
    expect(decodeRetryInfo(b64(bytes))).toBe(2_500);
    expect(decodeRetryInfo(bytes)).toBe(2_500);
    // gRPC allows unpadded base64 in -bin headers.
    expect(decodeRetryInfo(b64(bytes).replace(/=+$/, ''))).toBe(2_500);
  });

  it('nanos only, rounded up to whole ms; an empty delay or RetryInfo is 0 (a RetryInfo all the same)', () => {
    expect(decodeRetryInfo(b64(throttled(retryInfo({ nanos: 300_000_000 }))))).toBe(300);
    expect(decodeRetryInfo(b64(throttled(retryInfo({ nanos: 1 }))))).toBe(1);
    expect(decodeRetryInfo(b64(throttled(retryInfo({}))))).toBe(0);
    expect(decodeRetryInfo(b64(throttled(any(RETRY_INFO_TYPE, Buffer.alloc(0)))))).toBe(0);
  });

  it('huge seconds stay finite, and the delay the retry loop reads is bounded', () => {
    // Duration's largest, and past it (clamped to it).
    for (const seconds of [315_576_000_000, 2n ** 62n]) {
      const value = b64(throttled(retryInfo({ seconds })));
      expect(decodeRetryInfo(value)).toBe(315_576_000_000_000);
      expect(grpcRetryDelay(value)).toBe(MAX_RETRY_DELAY_MILLIS);
    }
    // int64's largest reads as a JS number no different from a negative one: ignored.
    expect(decodeRetryInfo(b64(throttled(retryInfo({ seconds: 2n ** 63n - 1n }))))).toBeUndefined();
    expect(formatRetryDelay(MAX_RETRY_DELAY_MILLIS)).toBe('1 h or more');
  });

  it('a negative or out-of-range Duration is ignored', () => {
    expect(decodeRetryInfo(b64(throttled(retryInfo({ seconds: -5 }))))).toBeUndefined();
    expect(decodeRetryInfo(b64(throttled(retryInfo({ nanos: -1 }))))).toBeUndefined();
    expect(decodeRetryInfo(b64(throttled(retryInfo({ seconds: 1, nanos: 1_000_000_000 }))))).toBeUndefined();
  });

  it('every truncation of a Status is ignored, never thrown', () => {
    const full = throttled(retryInfo({ seconds: 1 }));
    for (let cut = 0; cut < full.length; cut++) {
      expect(decodeRetryInfo(full.subarray(0, cut)), `cut at ${cut}`).toBeUndefined();
      expect(decodeRetryInfo(b64(full.subarray(0, cut))), `cut at ${cut}`).toBeUndefined();
    }
  });

  it('garbage is ignored, never thrown: random bytes, text, other types, hostile lengths', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 2_000; i++) {
      const bytes = Buffer.from(
        Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256)),
      );
      for (const value of [bytes, b64(bytes)]) {
        const millis = decodeRetryInfo(value);
        if (millis !== undefined) expect(millis).toBeGreaterThanOrEqual(0);
      }
    }
    for (const value of [undefined, null, 42, {}, ['AAAA'], '', 'not base64!', 'a, b', '====']) {
      expect(decodeRetryInfo(value)).toBeUndefined();
    }
    // A details field that claims 2^50 bytes; a varint of 11 bytes; a group (wire type 3).
    expect(decodeRetryInfo(Buffer.concat([varint(0x1a), varint(2 ** 50), Buffer.alloc(4)]))).toBeUndefined();
    expect(decodeRetryInfo(Buffer.concat([varint(0x08), Buffer.alloc(11, 0xff)]))).toBeUndefined();
    expect(decodeRetryInfo(Buffer.from([0x1b, 0x1c]))).toBeUndefined();
  });

  it('an oversized trailer is not decoded, however valid', () => {
    const big = status({
      code: 8,
      message: 'x'.repeat(MAX_STATUS_DETAILS_BYTES),
      details: [retryInfo({ seconds: 1 })],
    });
    expect(decodeRetryInfo(big)).toBeUndefined();
    expect(decodeRetryInfo(b64(big))).toBeUndefined();
    // Checked before decoding: a megabyte of base64 is not turned into bytes first.
    expect(decodeRetryInfo('A'.repeat(1 << 20))).toBeUndefined();
  });

  it('finds the RetryInfo among other details; the first one counts', () => {
    const errorInfo = any('type.googleapis.com/google.rpc.ErrorInfo', lengthField(1, 'RATE_LIMITED'));
    expect(decodeRetryInfo(b64(throttled(errorInfo, retryInfo({ nanos: 250_000_000 }))))).toBe(250);
    expect(decodeRetryInfo(b64(throttled(retryInfo({ seconds: 3 }), retryInfo({ seconds: 9 }))))).toBe(3_000);
    // type_url after value, and unknown fields, are read as protobuf allows.
    const reordered = Buffer.concat([
      lengthField(2, lengthField(1, duration({ seconds: 4 }))),
      varintField(7, 1),
      lengthField(1, RETRY_INFO_TYPE),
    ]);
    expect(decodeRetryInfo(b64(throttled(reordered)))).toBe(4_000);
  });

  it('a RetryInfo-shaped value under another type_url is no RetryInfo', () => {
    const value = lengthField(1, duration({ seconds: 1 }));
    for (const typeUrl of [
      'type.googleapis.com/google.rpc.DebugInfo',
      'google.rpc.RetryInfo',
      'type.googleapis.com/google.rpc.RetryInfoX',
      '',
    ]) {
      expect(decodeRetryInfo(b64(throttled(any(typeUrl, value)))), typeUrl).toBeUndefined();
    }
    expect(decodeRetryInfo(b64(status({ code: 8, message: 'no details' })))).toBeUndefined();
  });
});

describe('askedRetryDelay: the wait a failed call asks for, from any transport', () => {
  it("reads our transports' retryAfterMillis, bounded, and grpc-js trailers (the proxy path)", () => {
    expect(askedRetryDelay(Object.assign(new Error('x'), { code: 8, retryAfterMillis: 300 }))).toBe(300);
    expect(askedRetryDelay(Object.assign(new Error('x'), { retryAfterMillis: 1e15 }))).toBe(
      MAX_RETRY_DELAY_MILLIS,
    );
    expect(askedRetryDelay(Object.assign(new Error('x'), { retryAfterMillis: -1 }))).toBeUndefined();
    const metadata = new Metadata();
    metadata.set('grpc-status-details-bin', retryInfoStatus(8, 'slow down', 700));
    expect(askedRetryDelay(Object.assign(new Error('8 RESOURCE_EXHAUSTED'), { code: 8, metadata }))).toBe(
      700,
    );
    expect(
      askedRetryDelay(Object.assign(new Error('x'), { code: 8, metadata: new Metadata() })),
    ).toBeUndefined();
  });

  it('an error that throws when read asks for nothing', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );
    expect(askedRetryDelay(hostile)).toBeUndefined();
    expect(askedRetryDelay(undefined)).toBeUndefined();
  });

  it('HTTP Retry-After is bounded the same way', () => {
    expect(parseRetryAfter('2')).toBe(2_000);
    expect(parseRetryAfter('9999999999')).toBe(MAX_RETRY_DELAY_MILLIS);
    expect(parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', 0)).toBe(MAX_RETRY_DELAY_MILLIS);
  });

  it('HTTP Retry-After that is neither delay-seconds nor a date is no answer (V8 reads "-5" as a date in 2001)', () => {
    for (const value of [
      '-5',
      '1.5',
      '+5',
      '5 6',
      '1e9',
      'NaN',
      '99999999999',
      '9'.repeat(8_000),
      ' '.repeat(10_000),
    ])
      expect({ value: value.slice(0, 12), ms: parseRetryAfter(value) }).toEqual({
        value: value.slice(0, 12),
        ms: undefined,
      });
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(0); // a date past: at once
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', Date.UTC(1994, 10, 6, 8, 49, 30))).toBe(7_000);
  });
});
