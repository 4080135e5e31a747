import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** Spans taken from a store: an array of spans, or the store's own form (OTLP: encoded bytes). */
export interface QueuedSpans {
  readonly length: number;
  slice(start: number, end: number): QueuedSpans;
}

/** The batch processor's bounded FIFO of ended spans. */
export interface SpanStore {
  readonly capacity: number;
  readonly size: number;
  /**
   * True when what is queued should go out now whatever its count (the OTLP queue: a request's
   * worth of bytes, so that large spans are sent before they reach its byte limit).
   */
  readonly ready?: boolean;
  /** False when full (the caller counts the drop). */
  push(span: ReadableSpan): boolean;
  /** Removes and returns up to `n` spans, oldest first; what the exporter is given. */
  take(n: number): QueuedSpans;
  /**
   * Called once per request taken (whole or a part of a batch) when its exporter has answered:
   * the store may reuse the memory the spans took (the OTLP queue's slabs).
   */
  release?(spans: QueuedSpans): void;
}

/** Fixed-capacity FIFO ring: O(1) push and take, no array shifting, memory bounded by capacity. */
export class SpanQueue implements SpanStore {
  private readonly _items: (ReadableSpan | undefined)[];
  private _head = 0;
  size = 0;

  constructor(readonly capacity: number) {
    this._items = new Array(capacity);
  }

  /** False when full (the caller counts the drop). */
  push(span: ReadableSpan): boolean {
    if (this.size === this.capacity) return false;
    this._items[(this._head + this.size) % this.capacity] = span;
    this.size++;
    return true;
  }

  /** Removes and returns up to `n` spans, oldest first. */
  take(n: number): ReadableSpan[] {
    const count = Math.min(n, this.size);
    const out = new Array<ReadableSpan>(count);
    for (let i = 0; i < count; i++) {
      out[i] = this._items[this._head]!;
      this._items[this._head] = undefined;
      this._head = (this._head + 1) % this.capacity;
    }
    this.size -= count;
    return out;
  }
}
