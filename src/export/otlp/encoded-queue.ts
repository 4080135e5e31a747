import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { QueuedSpans, SpanStore } from '../span-queue.js';
import { timeWork, timingWork } from '../work-timing.js';
import { ProtoWriter } from './proto-writer.js';
import { writeSpanEntry } from './span-encoder.js';
import { truncateSpan } from './span-truncation.js';

/** Spans are encoded straight into slabs of this size; a slab is freed once all its spans are sent. */
const SLAB_BYTES = 64 * 1024;
/** A new slab is started when less than this is left, so most spans never make the writer grow. */
const SLAB_MIN_FREE = 4 * 1024;
/** Slabs whose spans are all sent, kept for reuse: at most this many per queue (1 MiB). */
const MAX_FREE_SLABS = 16;

/**
 * How many references a slab's bytes still have: one per span queued in it (dropped by the batch
 * processor when that span's export is over, `release`), plus one per span in each export request
 * still being written from it (`holdSlabs`). At zero, and once the queue has moved on to another
 * slab, the slab is reused. A reference never dropped (spans discarded at shutdown, taken by the
 * exit path or a worker's hand-off) only means the slab is left to the garbage collector.
 */
interface SlabUse {
  refs: number;
  readonly owner: EncodedSpanQueue;
}

const slabUses = new WeakMap<Buffer, SlabUse>();
/**
 * Room left in a request for the span's resource and scope (their messages and schema URLs, known
 * only once the resource's async attributes settle): a few hundred bytes to a few KB in practice.
 */
const ENVELOPE_RESERVE = 64 * 1024;

/** The room kept beside each span, in a request of at most `maxRequestBytes`, for its resource and scope. */
export function envelopeReserve(maxRequestBytes: number): number {
  return Math.min(ENVELOPE_RESERVE, Math.floor(maxRequestBytes / 4));
}

/** What became of a span that did not fit an export request whole. */
export interface OversizedSpan {
  /** True when it could not be made to fit and was not queued. */
  readonly dropped: boolean;
  /** Its encoded size as it was, and the most a span may take. */
  readonly encodedBytes: number;
  readonly limitBytes: number;
  /** The values cut (attribute keys, `events[0].exception.stacktrace`...), when truncated. */
  readonly cut: readonly string[];
  /** The limit is one learned from the collector (stated, or from a 413), lower than `maxExportRequestBytes`. */
  readonly stated?: boolean;
}

export interface SpanSizeLimit {
  /** The largest export request; a span must fit in one with its resource and scope. */
  readonly maxRequestBytes: number;
  /** Called for every span that did not fit whole: the caller counts and logs it. */
  readonly onOversized: (span: ReadableSpan, outcome: OversizedSpan) => void;
}

/**
 * Spans already encoded as OTLP protobuf (`ScopeSpans.spans` entries), oldest first: where each
 * one's bytes are, and the resource and scope it belongs to. What the OTLP exporter's serializer
 * turns into one ExportTraceServiceRequest.
 */
export class EncodedSpans {
  /** Memoized request bytes (a retried export sends the same request again). */
  request: Uint8Array | undefined;
  /** The same, as the chunks our gRPC transport writes (request.ts, `traceRequestChunks`). */
  chunks: Uint8Array[] | undefined;

  constructor(
    readonly slabs: Buffer[],
    readonly starts: number[],
    readonly ends: number[],
    readonly scopes: InstrumentationScope[],
    readonly resources: Resource[],
  ) {}

  get length(): number {
    return this.slabs.length;
  }

  slice(start: number, end: number): EncodedSpans {
    return new EncodedSpans(
      this.slabs.slice(start, end),
      this.starts.slice(start, end),
      this.ends.slice(start, end),
      this.scopes.slice(start, end),
      this.resources.slice(start, end),
    );
  }
}

/**
 * The OTLP export queue: each span is encoded to protobuf when it ends and only its bytes are
 * kept. Why:
 * - no long event-loop slice at export time: upstream encodes a whole batch at once, twice (a size
 *   pass, then the write), one blocking slice per batch. Here each span is encoded once inside
 *   `span.end()`, for less than upstream pays per span (same bytes:
 *   test/unit/export/otlp-encoder.test.ts), and a request is a concatenation;
 * - span objects die young: a queued `ReadableSpan` graph (kilobytes, alive for a batch interval)
 *   survived scavenges and was promoted; with only bytes queued, scavenge time under full load
 *   fell by about half (`--trace-gc` runs: docs/performance.md).
 * Same bounds as the span queue: at most `capacity` spans, a push to a full queue is refused; and
 * at most `maxBytes` encoded bytes, but for the first span into an empty queue (a span fits a
 * request, so one always gets through).
 */
export class EncodedSpanQueue implements SpanStore {
  private readonly _slabs: (Buffer | undefined)[];
  private readonly _starts: Int32Array;
  private readonly _ends: Int32Array;
  private readonly _scopes: (InstrumentationScope | undefined)[];
  private readonly _resources: (Resource | undefined)[];
  private readonly _writer = new ProtoWriter(0);
  private _slab!: Buffer;
  private _slabUse!: SlabUse;
  private _slabPos = 0;
  private readonly _freeSlabs: Buffer[] = [];
  private _head = 0;
  size = 0;
  /** Encoded bytes of the spans queued. */
  bytes = 0;
  /** The most bytes one span's entry may take: the request limit less the envelope reserve. */
  private _maxSpanBytes: number;
  private _readyBytes: number;
  /** The request limit is one learned from the collector (`setRequestBytes`), not `maxRequestBytes`. */
  private _stated = false;

  /**
   * @param onUnencodable called for a span the encoder could not walk (a throwing getter or
   *   `traceState.serialize()` in user code, say): it is not queued, and must not be lost silently.
   * @param sizeLimit a span whose encoding would not fit `maxRequestBytes` (less a reserve for its
   *   resource and scope) is queued with its longest string values cut, or dropped if even that is
   *   not enough; a request can then always be split to fit (request-split.ts). Absent: no limit.
   * @param maxBytes the most encoded bytes queued (`batch.maxQueueBytes`).
   */
  constructor(
    readonly capacity: number,
    private readonly _onUnencodable: (span: ReadableSpan, error: unknown) => void = () => undefined,
    private readonly _sizeLimit?: SpanSizeLimit,
    private readonly _maxBytes = Number.POSITIVE_INFINITY,
  ) {
    const max = _sizeLimit?.maxRequestBytes ?? Number.POSITIVE_INFINITY;
    this._maxSpanBytes = max - envelopeReserve(max);
    // Half the byte limit at most, or it would be reached (and spans dropped) before it is sent.
    this._readyBytes = Math.min(max, Math.floor(_maxBytes / 2));
    this._slabs = new Array(capacity);
    this._starts = new Int32Array(capacity);
    this._ends = new Int32Array(capacity);
    this._scopes = new Array(capacity);
    this._resources = new Array(capacity);
    this._nextSlab();
  }

  push(span: ReadableSpan): boolean {
    if (this.size === this.capacity) return false;
    return timingWork() ? timeWork('encode', () => this._push(span)) : this._push(span);
  }

  private _push(span: ReadableSpan): boolean {
    if (this._slab.length - this._slabPos < SLAB_MIN_FREE) this._nextSlab();
    const w = this._writer;
    const start = this._slabPos;
    if (!this._encode(span, start)) return true;
    const size = w.pos - start;
    // Refused as with a full queue (the slab's space is taken again by the next span), before a
    // truncation is done and reported for nothing: truncated, a span takes at most _maxSpanBytes.
    if (!this._fits(Math.min(size, this._maxSpanBytes))) return false;
    if (size > this._maxSpanBytes && !this._fit(span, start, size)) return true;
    // A span bigger than what was left: the writer moved it (and the slab's earlier bytes) to a
    // larger buffer, which this span alone keeps; the next spans go on filling the slab. Made the
    // slab, that buffer grew with every large span and each growth copied all of it again: spans
    // of 650 KB spent ~1.8 ms of `span.end()` copying.
    if (w.buf === this._slab) {
      this._slabPos = w.pos;
      this._slabUse.refs++;
    }
    const i = (this._head + this.size) % this.capacity;
    this._slabs[i] = w.buf;
    this._starts[i] = start;
    this._ends[i] = w.pos;
    this._scopes[i] = span.instrumentationScope;
    this._resources[i] = span.resource;
    this.size++;
    this.bytes += w.pos - start;
    return true;
  }

  /**
   * A request limit lower than `maxRequestBytes` was learned from the collector (request-size-limit.ts):
   * spans that end from now on are truncated to fit it, and a request's worth is that much.
   * Spans already queued stay as they are (the request split puts an oversized one alone).
   */
  lowerRequestBytes(bytes: number): void {
    if (!this._sizeLimit || bytes - envelopeReserve(bytes) >= this._maxSpanBytes) return;
    this.setRequestBytes(bytes);
  }

  /**
   * The request limit from now on: `bytes`, never above `maxRequestBytes` (a worker thread's
   * queue follows the main thread's learned limit, down and back up: thread-handoff.ts).
   */
  setRequestBytes(bytes: number): void {
    if (!this._sizeLimit) return;
    const max = Math.min(bytes, this._sizeLimit.maxRequestBytes);
    this._maxSpanBytes = max - envelopeReserve(max);
    this._readyBytes = Math.min(max, Math.floor(this._maxBytes / 2));
    this._stated = max < this._sizeLimit.maxRequestBytes;
  }

  /**
   * A request's worth of bytes is queued (`maxRequestBytes`, or half `maxBytes` if less): the batch
   * processor sends it now.
   */
  get ready(): boolean {
    return this.bytes >= this._readyBytes;
  }

  /** Whether `bytes` more fit under `maxBytes` (always, into an empty queue). */
  private _fits(bytes: number): boolean {
    return this.size === 0 || this.bytes + bytes <= this._maxBytes;
  }

  /**
   * Queues a span encoded elsewhere, as its `ScopeSpans.spans` entry (kept, not copied): a worker
   * thread's, whose queue applied the same size limit (src/exit/thread-handoff.ts). False when full.
   */
  pushEncoded(entry: Buffer, scope: InstrumentationScope, resource: Resource): boolean {
    if (this.size === this.capacity || !this._fits(entry.length)) return false;
    const i = (this._head + this.size) % this.capacity;
    this._slabs[i] = entry;
    this._starts[i] = 0;
    this._ends[i] = entry.length;
    this._scopes[i] = scope;
    this._resources[i] = resource;
    this.size++;
    this.bytes += entry.length;
    return true;
  }

  /** Encodes `span` into the slab at `start`; false (reported) when the span cannot be walked. */
  private _encode(span: ReadableSpan, start: number): boolean {
    this._writer.target(this._slab, start);
    try {
      writeSpanEntry(this._writer, span);
      return true;
    } catch (error) {
      // Lose this span, never the app; the caller counts and reports it.
      this._onUnencodable(span, error);
      return false;
    }
  }

  /**
   * Re-encodes an oversized span truncated (span-truncation.ts) in its place; false when it was
   * dropped. Rare, so it may cost: a second try covers multi-byte text and array overheads that
   * the first estimate missed.
   */
  private _fit(span: ReadableSpan, start: number, encodedBytes: number): boolean {
    const limitBytes = this._maxSpanBytes;
    const report = this._sizeLimit!.onOversized;
    let excess = encodedBytes - limitBytes;
    for (let attempt = 0; attempt < 2; attempt++) {
      let truncated: ReturnType<typeof truncateSpan>;
      try {
        truncated = truncateSpan(span, excess);
      } catch (error) {
        this._onUnencodable(span, error); // never throw into the host's span.end()
        return false;
      }
      if (!truncated) break;
      if (!this._encode(truncated.span, start)) return false; // reported as unencodable
      const size = this._writer.pos - start;
      if (size <= limitBytes) {
        report(span, { dropped: false, encodedBytes, limitBytes, cut: truncated.cut, stated: this._stated });
        return true;
      }
      excess += size - limitBytes;
    }
    report(span, { dropped: true, encodedBytes, limitBytes, cut: [], stated: this._stated });
    return false;
  }

  /**
   * The batch processor is done with `spans`: their export is over, or given up (its exporter
   * answered). Their slabs are reused once nothing else refers to them.
   */
  release(spans: QueuedSpans): void {
    if (spans instanceof EncodedSpans) countSlabUses(spans, -1);
  }

  /** Retires the current slab (reused at once if nothing refers to it) and starts another. */
  private _nextSlab(): void {
    const old = this._slab;
    const slab = this._freeSlabs.pop() ?? Buffer.allocUnsafeSlow(SLAB_BYTES);
    let use = slabUses.get(slab);
    if (!use) {
      use = { refs: 0, owner: this };
      slabUses.set(slab, use);
    }
    this._slab = slab;
    this._slabUse = use;
    this._slabPos = 0;
    if (old && slabUses.get(old)?.refs === 0) this._recycle(old);
  }

  /** `slab` has no references left: kept for reuse unless it is the current one or enough are. */
  _recycle(slab: Buffer): void {
    const free = this._freeSlabs;
    if (slab !== this._slab && free.length < MAX_FREE_SLABS && !free.includes(slab)) free.push(slab);
  }

  take(n: number): EncodedSpans {
    const count = Math.min(n, this.size);
    const slabs = new Array<Buffer>(count);
    const starts = new Array<number>(count);
    const ends = new Array<number>(count);
    const scopes = new Array<InstrumentationScope>(count);
    const resources = new Array<Resource>(count);
    for (let k = 0; k < count; k++) {
      const i = this._head;
      slabs[k] = this._slabs[i]!;
      starts[k] = this._starts[i]!;
      ends[k] = this._ends[i]!;
      scopes[k] = this._scopes[i]!;
      resources[k] = this._resources[i]!;
      this.bytes -= ends[k]! - starts[k]!;
      this._slabs[i] = undefined;
      this._scopes[i] = undefined;
      this._resources[i] = undefined;
      this._head = (i + 1) % this.capacity;
    }
    this.size -= count;
    return new EncodedSpans(slabs, starts, ends, scopes, resources);
  }
}

/**
 * Holds the slabs `spans` are encoded in while a request is written from them (views, request.ts
 * `traceRequestChunks`): until the returned function is called, no span's bytes are reused, even
 * after the batch processor has released them (a call it gave up on, by its timeout or the retrying
 * exporter's, may still be writing). Call it once the call is over, its stream closed.
 */
export function holdSlabs(spans: EncodedSpans): () => void {
  countSlabUses(spans, 1);
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    countSlabUses(spans, -1);
  };
}

/** Adds `delta` references per span to each pooled slab of `spans`; recycles those left with none. */
function countSlabUses(spans: EncodedSpans, delta: number): void {
  const slabs = spans.slabs;
  let i = 0;
  while (i < slabs.length) {
    const slab = slabs[i]!;
    let n = 1;
    while (i + n < slabs.length && slabs[i + n] === slab) n++;
    i += n;
    const use = slabUses.get(slab);
    if (!use) continue; // a span's own buffer, or bytes from a worker thread
    use.refs += delta * n;
    if (use.refs === 0) use.owner._recycle(slab);
  }
}
