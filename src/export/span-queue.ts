import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** Fixed-capacity FIFO ring: O(1) push and take, no array shifting, memory bounded by capacity. */
export class SpanQueue {
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
