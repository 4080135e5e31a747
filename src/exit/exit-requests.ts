import { buildTraceRequest, describeSpanAt, type EncodedSpans, splitBySize } from '../export/index.js';
import type { ExitSendItem } from './sender-protocol.js';

/**
 * The requests the exit sender sends, by id, with the spans behind each: a request the collector
 * refused as too large (gRPC RESOURCE_EXHAUSTED with a size message, HTTP 413) is split here, in
 * the main thread that holds the spans, when the sender thread asks. Each split cuts it where a
 * run would pass half its size (request-split.ts), so a span larger than that goes alone at once;
 * then down to single spans, as the exporter does (export/retrying-exporter.ts). Before, the whole
 * request was lost at exit, every small span with the one large span.
 */
export class ExitRequests {
  private readonly _batches: EncodedSpans[] = [];
  private readonly _bytes: number[] = [];

  /** The requests for `batches` (already cut as the export loop cuts them: size and span count). */
  items(batches: readonly EncodedSpans[]): ExitSendItem[] {
    return batches.map((batch) => this._item(batch));
  }

  /** The parts of request `id`: at least two for a request of two spans or more. */
  split(id: number): ExitSendItem[] {
    const batch = this._batches[id];
    if (batch === undefined || batch.length < 2) return [];
    let parts = splitBySize(batch, Math.floor(this._bytes[id]! / 2));
    // splitBySize's bound is never below the request's size, so this is only a guard against looping.
    if (parts.length < 2) {
      const half = Math.ceil(batch.length / 2);
      parts = [batch.slice(0, half), batch.slice(half, batch.length)];
    }
    return parts.map((part) => this._item(part));
  }

  private _item(batch: EncodedSpans): ExitSendItem {
    const id = this._batches.push(batch) - 1;
    const request = buildTraceRequest(batch);
    this._bytes.push(request.length);
    return batch.length === 1
      ? { id, request, count: 1, label: describeSpanAt(batch, 0) }
      : { id, request, count: batch.length };
  }
}
