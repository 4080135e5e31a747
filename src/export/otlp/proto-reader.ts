/**
 * A protobuf wire-format reader over one buffer, for the few small messages a collector answers
 * (response.ts, retry-info.ts). Bounded by construction: every read advances, never past the end
 * (a length beyond it throws), and `bytes()` returns a view, not a copy. Callers catch its errors.
 */
export class ProtoReader {
  private _pos = 0;
  constructor(private readonly _buf: Uint8Array) {}

  more(): boolean {
    return this._pos < this._buf.length;
  }

  /** A varint as a JS number (exact up to 2^53; a negative int64 reads as 2^64 minus it, about). */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this._buf[this._pos++];
      if (byte === undefined) throw new Error('truncated varint');
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw new Error('varint too long');
  }

  bytes(): Uint8Array {
    const length = this.varint();
    const end = this._pos + length;
    if (end > this._buf.length) throw new Error('truncated field');
    const out = this._buf.subarray(this._pos, end);
    this._pos = end;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this._pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this._pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
    if (this._pos > this._buf.length) throw new Error('truncated field');
  }
}
