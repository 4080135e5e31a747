/**
 * A growable protobuf writer for OTLP encoding, reused across spans (no allocation once warm).
 *
 * Byte for byte the same output as upstream's `ProtobufWriter` (otlp-transformer 0.223): lengths
 * are written by reserving one byte and moving the body when the varint needs more, and every
 * varint, fixed and string is encoded the same way, so a request we build decodes — and compares —
 * exactly like upstream's (test/unit/export/otlp-encoder.test.ts compares the bytes).
 */
export class ProtoWriter {
  buf: Buffer;
  pos = 0;
  private _view: DataView | undefined;

  constructor(initialSize = 4096) {
    this.buf = Buffer.allocUnsafeSlow(initialSize);
  }

  reset(): void {
    this.pos = 0;
  }

  /** Writes into `buf` from `pos` on (the queue's slab); `buf` is replaced if it has to grow. */
  target(buf: Buffer, pos: number): void {
    if (this.buf !== buf) {
      this.buf = buf;
      this._view = undefined;
    }
    this.pos = pos;
  }

  private _grow(needed: number): void {
    let size = Math.max(256, this.buf.length * 2);
    while (size < this.pos + needed) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this._view = undefined;
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  varint(value: number): void {
    if (this.pos + 10 > this.buf.length) this._grow(10);
    const buf = this.buf;
    if (value >= 0 && value <= 0xffffffff) {
      let v = value >>> 0;
      while (v > 0x7f) {
        buf[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      buf[this.pos++] = v;
      return;
    }
    // int64 two's complement, as protobuf encodes negative int64 values (10 bytes).
    const abs = Math.abs(value);
    let low = abs >>> 0;
    let high = (abs / 0x100000000) >>> 0;
    if (value < 0) {
      low = ~low >>> 0;
      high = ~high >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    while (high > 0 || low > 0x7f) {
      buf[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buf[this.pos++] = low & 0x7f;
  }

  fixed32(value: number): void {
    if (this.pos + 4 > this.buf.length) this._grow(4);
    this.pos = putUint32(this.buf, this.pos, value);
  }

  fixed64(low: number, high: number): void {
    if (this.pos + 8 > this.buf.length) this._grow(8);
    this.pos = putUint32(this.buf, putUint32(this.buf, this.pos, low), high);
  }

  double(value: number): void {
    if (this.pos + 8 > this.buf.length) this._grow(8);
    this._view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    this._view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  string(value: string): void {
    const len = value.length;
    // Past 64 characters Node's own UTF-8 encoder wins over the loop below, whose calls it saves
    // on short strings (Node 20: 143 against 142 ns at 64, 529 against 177 at 256, 2,064 against
    // 305 at 1,024; 2,048 keys of 256 characters took 2.3 ms in the loop).
    if (len > 64) {
      this._utf8(value);
      return;
    }
    // ASCII in one pass: length first (a UTF-16 unit is one byte if ASCII), then copy while
    // checking; on the first non-ASCII unit, rewind and take the UTF-8 path.
    const start = this.pos;
    this.varint(len);
    if (this.pos + len > this.buf.length) this._grow(len);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < len; i++) {
      const c = value.charCodeAt(i);
      if (c > 127) {
        this.pos = start;
        this._utf8(value);
        return;
      }
      buf[p++] = c;
    }
    this.pos = p;
  }

  /** Lone surrogates become U+FFFD, as with upstream's TextEncoder. */
  private _utf8(value: string): void {
    const bytes = Buffer.byteLength(value, 'utf8');
    this.varint(bytes);
    if (this.pos + bytes > this.buf.length) this._grow(bytes);
    this.pos += this.buf.write(value, this.pos, bytes, 'utf8');
  }

  bytes(value: Uint8Array): void {
    this.varint(value.length);
    if (this.pos + value.length > this.buf.length) this._grow(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** A hex id (trace/span id) as `bytes`, without an intermediate array. */
  hexBytes(hex: string): void {
    const n = hex.length >>> 1;
    this.varint(n);
    if (this.pos + n > this.buf.length) this._grow(n);
    const buf = this.buf;
    let p = this.pos;
    // Pairs only: an odd last character is dropped, as upstream's hexToBinary does.
    for (let i = 0; i + 1 < hex.length; i += 2) {
      const hi = hex.charCodeAt(i);
      const lo = hex.charCodeAt(i + 1);
      buf[p++] = (hi | lo) < 128 ? HIGH[hi]! | LOW[lo]! : (nibble(hi) << 4) | nibble(lo);
    }
    this.pos = p;
  }

  raw(value: Uint8Array): void {
    const n = value.length;
    if (this.pos + n > this.buf.length) this._grow(n);
    if (n > 64) {
      this.buf.set(value, this.pos);
      this.pos += n;
      return;
    }
    // A loop beats TypedArray#set's call overhead for the short keys this mostly copies.
    const buf = this.buf;
    for (let i = 0; i < n; i++) buf[this.pos++] = value[i]!;
  }

  /**
   * A whole `KeyValue` message, tag first, whose value is a string, when it is ASCII and the
   * message fits one-byte lengths (most attributes): the same bytes as the general path
   * (tag, `key`, then `value` as an `AnyValue` with `string_value`) in one pass. Writes nothing and
   * returns false otherwise. `key`: the `KeyValue.key` field, encoded.
   */
  shortStringEntry(tag: number, key: Uint8Array, value: string): boolean {
    const len = value.length;
    const keyLen = key.length;
    const kvLen = keyLen + 4 + len;
    if (kvLen > 127) return false;
    let p = this._entryHead(tag, key, kvLen);
    const buf = this.buf;
    buf[p++] = len + 2;
    buf[p++] = 0x0a; // AnyValue.string_value
    buf[p++] = len;
    for (let i = 0; i < len; i++) {
      const c = value.charCodeAt(i);
      if (c > 127) return false;
      buf[p++] = c;
    }
    this.pos = p;
    return true;
  }

  /** The same for an integer value from 0 to 2^32 - 1 (`AnyValue.int_value`); false for any other. */
  shortUintEntry(tag: number, key: Uint8Array, value: number): boolean {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) return false;
    const keyLen = key.length;
    const kvLen = keyLen + 3 + varintSize(value);
    if (kvLen > 127) return false;
    let p = this._entryHead(tag, key, kvLen);
    const buf = this.buf;
    buf[p++] = kvLen - keyLen - 2;
    buf[p++] = 0x18; // AnyValue.int_value
    let v = value >>> 0;
    while (v > 0x7f) {
      buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[p++] = v;
    this.pos = p;
    return true;
  }

  /**
   * A one-pass `KeyValue` up to its value's length: room for the whole entry, its tag and length,
   * the key, the value's tag. Returns where the value's length goes; `pos` is not moved.
   */
  private _entryHead(tag: number, key: Uint8Array, kvLen: number): number {
    if (this.pos + kvLen + 2 > this.buf.length) this._grow(kvLen + 2);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = tag;
    buf[p++] = kvLen;
    for (let i = 0; i < key.length; i++) buf[p++] = key[i]!;
    buf[p++] = 0x12; // KeyValue.value
    return p;
  }

  /** Reserves one length byte; pass the result to `finishLength`. */
  startLength(): number {
    if (this.pos + 1 > this.buf.length) this._grow(1);
    return this.pos++;
  }

  finishLength(at: number): void {
    const length = this.pos - at - 1;
    const size = varintSize(length);
    if (size > 1) {
      if (this.pos + size - 1 > this.buf.length) this._grow(size - 1);
      this.buf.copyWithin(at + size, at + 1, this.pos);
      this.pos += size - 1;
    }
    let v = length;
    let p = at;
    while (v > 0x7f) {
      this.buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[p] = v;
  }
}

/** `value` as a little-endian uint32 at `pos` (room checked by the caller); the next position. */
function putUint32(buf: Buffer, pos: number, value: number): number {
  buf[pos] = value;
  buf[pos + 1] = value >>> 8;
  buf[pos + 2] = value >>> 16;
  buf[pos + 3] = value >>> 24;
  return pos + 4;
}

/** Same mapping as upstream's hexToBinary (lowercase, digits, else uppercase). */
function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  return code - 55;
}

/** `nibble` of every ASCII code, shifted for the high half and masked to a byte as stored. */
const HIGH = new Uint8Array(128);
const LOW = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  HIGH[code] = (nibble(code) << 4) & 0xff;
  LOW[code] = nibble(code) & 0xff;
}

/** Bytes a uint32 takes as a varint. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}
