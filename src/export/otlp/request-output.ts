/**
 * Where an ExportTraceServiceRequest is written (request.ts): field headers and envelope bytes
 * (resource, scope, schema URL) in order, and the spans' bytes from the slabs they were encoded
 * into when they ended (encoded-queue.ts).
 */
export interface RequestOutput {
  /** A field header: one-byte tag, then the length as a varint. */
  header(tag: number, length: number): void;
  /** Envelope bytes (resource, scope, schema URL), which never change once encoded. */
  copy(source: Uint8Array): void;
  spans(slab: Buffer, start: number, end: number): void;
}

/** Headers and envelopes written in order into one buffer of a known size. */
abstract class BufferOutput implements RequestOutput {
  protected readonly _bytes: Buffer;
  protected _pos = 0;

  constructor(size: number) {
    this._bytes = Buffer.allocUnsafe(size);
  }

  header(tag: number, length: number): void {
    this._pos = writeHeader(this._bytes, this._pos, tag, length);
  }

  copy(source: Uint8Array): void {
    this._bytes.set(source, this._pos);
    this._pos += source.length;
  }

  abstract spans(slab: Buffer, start: number, end: number): void;
}

/** The request as one buffer of exactly `total` bytes (the exit path's synchronous send, OTLP/HTTP). */
export class WholeOutput extends BufferOutput {
  get bytes(): Buffer {
    return this._bytes;
  }

  spans(slab: Buffer, start: number, end: number): void {
    this.copy(slab.subarray(start, end));
  }
}

/**
 * The request as consecutive buffers for a transport that writes them one after the other: the
 * field headers in one small buffer of `headerBytes`, the envelopes (resource, scope) as the bytes
 * they were encoded into once (request.ts), and views of the slabs for the spans. Nothing the size
 * of the request is allocated or copied. Until 2026-12-07 the envelopes were copied into the
 * request's own buffer (~1 KiB a request for the bench's resource, from Node's shared 8 KiB
 * buffer pool): a call that outlives two scavenges is promoted with that buffer, which then kept
 * its pool block out of the process's memory until the next mark-compact; under steady load the
 * bench server's external memory grew ~20 KiB/s that way (docs/performance.md, 2026-12-07). Until 2026-12-04 each export copied its spans
 * into fresh 64 KiB chunks: a second copy of every queued byte, alive for the whole export, whose
 * memory came back only when V8 collected the buffers that held it (a slow collector's exports
 * outlive two scavenges, and their buffers then wait for a mark-compact: docs/performance.md).
 */
export class ViewOutput extends BufferOutput {
  private readonly _chunks: Buffer[] = [];
  private _from = 0;

  spans(slab: Buffer, start: number, end: number): void {
    this._flush();
    this._chunks.push(slab.subarray(start, end));
  }

  /** Referenced, not copied: the caller's envelope bytes never change (RequestOutput.copy). */
  override copy(source: Uint8Array): void {
    this._flush();
    this._chunks.push(
      Buffer.isBuffer(source) ? source : Buffer.from(source.buffer, source.byteOffset, source.length),
    );
  }

  /** The chunks, in order; one empty chunk for an empty request. */
  finish(): Buffer[] {
    this._flush();
    if (this._chunks.length === 0) this._chunks.push(this._bytes.subarray(0, 0));
    return this._chunks;
  }

  private _flush(): void {
    if (this._pos > this._from) this._chunks.push(this._bytes.subarray(this._from, this._pos));
    this._from = this._pos;
  }
}

function writeHeader(into: Buffer, at: number, tag: number, length: number): number {
  let pos = at;
  into[pos++] = tag;
  let v = length;
  while (v > 0x7f) {
    into[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  into[pos++] = v;
  return pos;
}
