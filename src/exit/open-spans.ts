import { type Span as ApiSpan, type Context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

const SLOT = Symbol('@acme/otel/open-span-slot');
type Slotted = { [SLOT]?: number };

/** Open spans tracked at most; a leak of never-ended spans must not grow memory without bound. */
export const OPEN_SPAN_CAP = 16_384;

/**
 * Keeps the recorded spans that have started and not ended yet, so that the exit path can end them
 * (status ERROR) instead of losing them: the server span of the request that crashed the process is
 * the one an on-call engineer needs most. One Set add and delete per span; past the cap, spans are
 * only counted.
 */
export class OpenSpanTracker implements SpanProcessor {
  /**
   * Slots, each span holding its own index: no hashing. In a bare startSpan/end loop a Set of
   * spans cost several times what slots do (V8 identity hashes and table churn); slots stay within
   * the noise of that loop (docs/performance.md).
   */
  private readonly _slots: (Span | undefined)[] = [];
  private readonly _free: number[] = [];
  private _size = 0;
  /**
   * Spans started while the set was full and not ended since: the ones the exit path cannot end
   * (an untracked span that ends is the only span that reaches `onEnd` without a slot).
   */
  untracked = 0;

  constructor(private readonly _cap = OPEN_SPAN_CAP) {}

  onStart(span: Span, _parentContext: Context): void {
    let i: number;
    if (this._free.length > 0) i = this._free.pop()!;
    else if (this._slots.length < this._cap) i = this._slots.length;
    else {
      this.untracked++;
      return;
    }
    this._slots[i] = span;
    (span as Slotted)[SLOT] = i;
    this._size++;
  }

  onEnd(span: ReadableSpan): void {
    const i = (span as Slotted)[SLOT];
    if (i === undefined) {
      if (this.untracked > 0) this.untracked--;
      return;
    }
    if (this._slots[i] !== span) return;
    this._slots[i] = undefined;
    this._free.push(i);
    this._size--;
  }

  get size(): number {
    return this._size;
  }

  /** The open spans, oldest first. */
  private _open(): Span[] {
    const open: Span[] = [];
    for (const span of this._slots) if (span !== undefined) open.push(span);
    return open.sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
  }

  /**
   * Where to record an uncaught error: the active span if it is still open; else (a callback of a
   * span that already ended, say an express handler span) its parent if open; else the newest open
   * span of the same trace (the request's server span). Only called on a crash: a linear scan.
   */
  recordingSpanFor(active: ApiSpan | undefined): ApiSpan | undefined {
    if (active === undefined || active.isRecording()) return active;
    const parentId = (active as Partial<ReadableSpan>).parentSpanContext?.spanId;
    const traceId = active.spanContext().traceId;
    let sameTrace: Span | undefined;
    for (const span of this._open()) {
      const ctx = span.spanContext();
      if (ctx.spanId === parentId) return span;
      if (ctx.traceId === traceId) sameTrace = span;
    }
    return sameTrace;
  }

  /**
   * The open entry span (SERVER or CONSUMER, the oldest) of `span`'s trace in this process: the
   * request an uncaught error took down, where a backend looks for the error first.
   */
  entrySpanFor(span: ApiSpan): ApiSpan | undefined {
    const traceId = span.spanContext().traceId;
    for (const open of this._open()) {
      if (open.spanContext().traceId !== traceId) continue;
      if (open.kind === SpanKind.SERVER || open.kind === SpanKind.CONSUMER) return open;
    }
    return undefined;
  }

  /**
   * Ends every open span with status ERROR and `message`, newest first (children before their
   * parents). Returns how many were ended.
   */
  endAll(message: string): number {
    const spans = this._open().reverse();
    this._slots.length = 0;
    this._free.length = 0;
    this._size = 0;
    for (const span of spans) {
      try {
        // A status the code set itself (withSpan's, say) says more than ours.
        if (span.status.code === SpanStatusCode.UNSET)
          span.setStatus({ code: SpanStatusCode.ERROR, message });
        span.end();
      } catch {
        // A span processor of the app threw: the others still get ended.
      }
    }
    return spans.length;
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
