import {
  buildTraceRequest,
  describeSpanAt,
  type EncodedSpans,
  floorBytes,
  type RequestSizeLimit,
  splitBySize,
} from '../export/index.js';
import type { ExitSendItem, ExitSplitParts } from './sender-protocol.js';

/**
 * The requests the exit sender sends, by id, with the spans behind each: a request the collector
 * refused as too large (gRPC RESOURCE_EXHAUSTED with a size message, HTTP 413) is split here, in
 * the main thread that holds the spans, when the sender thread asks. With the limit the collector
 * stated (gRPC "larger than max (N vs. M)"), it is cut straight into parts that fit it; without
 * one, where a run would pass half its size (request-split.ts), so a span larger than that goes
 * alone at once; then down to single spans, as the exporter does (export/retrying-exporter.ts).
 * Before, the whole request was lost at exit, every small span with the one large span.
 */
export class ExitRequests {
  private readonly _batches: EncodedSpans[] = [];
  private readonly _bytes: number[] = [];

  /** `limit`: the exporter's; once the collector stated a lower one, requests are cut to it. */
  constructor(private readonly _limit?: RequestSizeLimit) {}

  /** The requests for `batches` (already cut as the export loop cuts them: size and span count). */
  items(batches: readonly EncodedSpans[]): ExitSendItem[] {
    const limit = this._limit;
    // In flight when the process exits: cut to the limit of then, which may since have been lowered.
    const cut = limit?.lowered ? batches.flatMap((batch) => splitBySize(batch, limit.bytes)) : batches;
    return cut.map((batch) => this._item(batch));
  }

  /**
   * The parts of request `id`: at least two for a request of two spans or more; cut to `stated`
   * (the collector's limit) when it leaves room for a small span, and then `limit` says so.
   */
  split(id: number, stated?: number): ExitSplitParts {
    const batch = this._batches[id];
    if (batch === undefined || batch.length < 2) return { parts: [] };
    const limit = stated === undefined ? undefined : this._usable(stated, batch);
    let parts = limit === undefined ? [] : splitBySize(batch, limit);
    if (parts.length < 2) parts = splitBySize(batch, Math.floor(this._bytes[id]! / 2));
    // splitBySize's bound is never below the request's size, so this is only a guard against looping.
    if (parts.length < 2) {
      const half = Math.ceil(batch.length / 2);
      parts = [batch.slice(0, half), batch.slice(half, batch.length)];
    }
    const items = parts.map((part) => this._item(part));
    return limit === undefined ? { parts: items } : { parts: items, limit };
  }

  /** `stated` when usable for `batch` (learned by the exporter's limit, which then warns once). */
  private _usable(stated: number, batch: EncodedSpans): number | undefined {
    if (this._limit) return this._limit.learn(stated, batch);
    return stated < floorBytes(batch) ? undefined : stated;
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
