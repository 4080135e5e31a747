import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import { log } from '../diag/index.js';
import { groupThousands } from '../util/group-thousands.js';
import { collectorNaming } from './collector-cause.js';
import type { EncodedSpans } from './otlp/encoded-queue.js';
import { resourceEnvelopeBytes, scopeEnvelopeBytes } from './otlp/request.js';

/**
 * Room for one small span beside its resource and scope: a stated limit that leaves less is not
 * used (a proxy's or a broken collector's number would otherwise send every later span alone).
 */
export const SMALL_SPAN_BYTES = 1024;

/**
 * How long a limit learned from the collector is kept: then requests up to
 * `maxExportRequestBytes` are tried again, in case the collector was re-deployed with a higher
 * limit. 10 minutes: a collector's new limit is used within that, and one refused request per
 * 10 minutes at most (while the limit stays) is nothing next to one per export (every 5 s by
 * default) as before the limit was kept.
 */
export const LEARNED_LIMIT_MILLIS = 10 * 60_000;

/**
 * The largest export request of one OTLP exporter: `maxExportRequestBytes`, until the collector
 * refuses a request as too large and states a lower limit (gRPC "larger than max (N vs. M)",
 * stated-limit.ts), or, stating none (HTTP 413), accepts the refused request's parts (the largest
 * of them is then the limit: `learnAccepted`). From then on every request is cut to that (the
 * batch processor's split, the retrying exporter, the export queue's span truncation, worker
 * threads' and the exit path), instead of each batch of that size being sent, refused and split
 * again, one wasted round trip per export. Never above `maxExportRequestBytes`.
 *
 * Kept for {@link LEARNED_LIMIT_MILLIS}: then requests up to `maxExportRequestBytes` are sent
 * again (`bytes`), while spans are still truncated to the learned limit (`truncationBytes`), so
 * that none is lost to the trial. The first request larger than the learned limit the collector
 * accepts ends the trial (`accepted`); the first it refuses as too large (`refused`) keeps the
 * learned limit for another lifetime. The clock is read, no timer is set.
 */
export class RequestSizeLimit {
  private _bytes: number;
  /** The limit learned last, kept for the trial. */
  private _learned: number;
  /** Spans are truncated to this (the listeners are told when it changes). */
  private _truncation: number;
  /** When the learned limit's lifetime ends (`now()` ms). */
  private _until = 0;
  private _said = false;
  private readonly _listeners: ((bytes: number) => void)[] = [];

  constructor(
    /** `maxExportRequestBytes`. */
    readonly configured: number,
    /** Named in the warning (scrubbed there). */
    private readonly _endpoint?: string,
    /** The clock, ms. @default Date.now */
    private readonly _now: () => number = Date.now,
  ) {
    this._bytes = configured;
    this._learned = configured;
    this._truncation = configured;
  }

  /** The largest request to send now. */
  get bytes(): number {
    this._expire();
    return this._bytes;
  }

  /** Whether a limit learned from the collector replaced `maxExportRequestBytes` for requests. */
  get lowered(): boolean {
    return this.bytes < this.configured;
  }

  /** Whether requests up to `maxExportRequestBytes` are being tried again after a learned limit's lifetime. */
  get trying(): boolean {
    return this.bytes === this.configured && this._truncation < this.configured;
  }

  /** What spans are truncated to fit: the learned limit, until a larger request is accepted. */
  get truncationBytes(): number {
    return this._truncation;
  }

  /** Called with the new span truncation limit each time it changes (lowered, or back up). */
  onChange(listener: (bytes: number) => void): void {
    this._listeners.push(listener);
  }

  /** A request of `bytes` was accepted: while trying again, more than the learned limit ends the trial. */
  accepted(bytes: number): void {
    if (!this.trying || bytes <= this._learned) return;
    log.info(
      `the collector${this._at()} accepted an export request of ${groupThousands(bytes)} bytes, more than the limit learned from it ${LEARNED_LIMIT_MILLIS / 60_000} minutes ago (${groupThousands(this._learned)}): export requests are cut to maxExportRequestBytes (${groupThousands(this.configured)}) again`,
    );
    this._learned = this.configured;
    this._truncate(this.configured);
  }

  /**
   * A request was refused as too large: while trying again, the learned limit is kept for another
   * lifetime (a limit learned from this refusal may lower it further).
   */
  refused(): void {
    if (!this.trying) return;
    this._bytes = this._learned;
    this._until = this._now() + LEARNED_LIMIT_MILLIS;
    log.debug(
      `the collector${this._at()} still refuses export requests over ${groupThousands(this._learned)} bytes as too large: that limit is kept ${LEARNED_LIMIT_MILLIS / 60_000} more minutes`,
    );
  }

  private _expire(): void {
    if (this._bytes >= this.configured || this._now() < this._until) return;
    this._bytes = this.configured;
    log.debug(
      `the request size limit learned from the collector${this._at()} (${groupThousands(this._learned)} bytes) is ${LEARNED_LIMIT_MILLIS / 60_000} minutes old: requests up to maxExportRequestBytes (${groupThousands(this.configured)}) are tried again`,
    );
  }

  /**
   * What to cut `batch`, refused as too large with `stated` bytes as the collector's limit, to:
   * `stated`, which from now on is the limit when lower than it was; undefined when `stated`
   * leaves no room for a small span beside the batch's resource and scope (then halved as an
   * answer without a limit is).
   */
  learn(stated: number, batch: EncodedSpans): number | undefined {
    const floor = floorBytes(batch);
    if (stated < floor) {
      log.debug(
        `the collector states a request size limit of ${groupThousands(stated)} bytes, less than a request of one small span needs (${groupThousands(floor)}): not used, the request is halved`,
      );
      return undefined;
    }
    if (stated < this.bytes)
      this._lower(
        stated,
        `refused an export request as too large, stating a limit of ${groupThousands(stated)} bytes`,
        "raise the collector's limit: an OpenTelemetry Collector's max_recv_msg_size_mib",
      );
    return stated;
  }

  /**
   * A request of `refused` bytes was refused as too large with no limit stated (HTTP 413), and
   * its parts went through, the largest `accepted` bytes: that size, proven to pass, is the limit
   * from now on when lower than it was (and not below what `batch`, the refused request, needs
   * for one small span). Not half of `refused`: with a limit below that, the halves are refused
   * too, and every later request would still cost a refused round trip.
   */
  learnAccepted(refused: number, accepted: number, batch: EncodedSpans): void {
    const floor = floorBytes(batch);
    if (accepted < floor) {
      log.debug(
        `the collector accepted the parts of a request refused as too large only up to ${groupThousands(accepted)} bytes, less than a request of one small span needs (${groupThousands(floor)}): not kept as a limit`,
      );
      return;
    }
    if (accepted < this.bytes)
      this._lower(
        accepted,
        `refused an export request of ${groupThousands(refused)} bytes as too large, stating no limit; its parts of up to ${groupThousands(accepted)} bytes were accepted`,
        'raise the limit of the collector, or of a proxy in front of it',
      );
  }

  /**
   * In a worker thread: the limit its main thread had learned when the thread started
   * (exit/learned-limit.ts), used as if learned here; the main thread said it already.
   */
  inherit(bytes: number): void {
    if (bytes < SMALL_SPAN_BYTES || bytes >= this.bytes) return;
    this._said = true;
    this._lower(bytes);
  }

  private _lower(bytes: number, what?: string, remedy?: string): void {
    this._bytes = bytes;
    this._learned = bytes;
    this._until = this._now() + LEARNED_LIMIT_MILLIS;
    if (what !== undefined) {
      const line = `the collector${this._at()} ${what}, below maxExportRequestBytes (${groupThousands(this.configured)}): export requests are cut to ${groupThousands(bytes)} bytes from now on (maxExportRequestBytes is tried again after ${LEARNED_LIMIT_MILLIS / 60_000} minutes; set maxExportRequestBytes to it, or ${remedy})`;
      if (this._said) log.debug(line);
      else log.warn(line);
      this._said = true;
    }
    if (bytes !== this._truncation) this._truncate(bytes);
  }

  private _truncate(bytes: number): void {
    this._truncation = bytes;
    for (const listener of this._listeners) {
      try {
        listener(bytes);
      } catch {
        // A queue's update must not break the export.
      }
    }
  }

  private _at(): string {
    const endpoint = collectorNaming(this._endpoint).endpoint;
    return endpoint ? ` at ${endpoint}` : '';
  }
}

/** The smallest usable limit for `batch`: its largest resource and scope envelopes, and a small span. */
export function floorBytes(batch: EncodedSpans): number {
  let most = 0;
  let resource: Resource | undefined;
  let scope: InstrumentationScope | undefined;
  for (let i = 0; i < batch.length; i++) {
    const r = batch.resources[i]!;
    const s = batch.scopes[i]!;
    if (r === resource && s === scope) continue;
    resource = r;
    scope = s;
    most = Math.max(most, resourceEnvelopeBytes(r) + scopeEnvelopeBytes(s));
  }
  return most + SMALL_SPAN_BYTES;
}
