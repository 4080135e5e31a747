import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import { log } from '../diag/index.js';
import { collectorNaming } from './collector-cause.js';
import { groupThousands } from './drop-reporter.js';
import type { EncodedSpans } from './otlp/encoded-queue.js';
import { resourceEnvelopeBytes, scopeEnvelopeBytes } from './otlp/request.js';

/**
 * Room for one small span beside its resource and scope: a stated limit that leaves less is not
 * used (a proxy's or a broken collector's number would otherwise send every later span alone).
 */
export const SMALL_SPAN_BYTES = 1024;

/**
 * The largest export request of one OTLP exporter: `maxExportRequestBytes`, until the collector
 * refuses a request as too large and states a lower limit (gRPC "larger than max (N vs. M)",
 * stated-limit.ts), or, stating none (HTTP 413), accepts the refused request's parts (the largest
 * of them is then the limit: `learnAccepted`). From then on every request is cut to that (the batch processor's split, the
 * retrying exporter, the export queue's span truncation, the exit path), instead of each batch of
 * that size being sent, refused and split again, one wasted round trip per export. Never raised:
 * neither above `maxExportRequestBytes` nor back up.
 */
export class RequestSizeLimit {
  private _bytes: number;
  private _said = false;
  private readonly _listeners: ((bytes: number) => void)[] = [];

  constructor(
    /** `maxExportRequestBytes`. */
    readonly configured: number,
    /** Named in the warning (scrubbed there). */
    private readonly _endpoint?: string,
  ) {
    this._bytes = configured;
  }

  /** The largest request to send now. */
  get bytes(): number {
    return this._bytes;
  }

  /** Whether the collector's stated limit replaced `maxExportRequestBytes`. */
  get lowered(): boolean {
    return this._bytes < this.configured;
  }

  /** Called with the new limit each time it is lowered. */
  onLower(listener: (bytes: number) => void): void {
    this._listeners.push(listener);
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
    if (stated < this._bytes)
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
    if (accepted < this._bytes)
      this._lower(
        accepted,
        `refused an export request of ${groupThousands(refused)} bytes as too large, stating no limit; its parts of up to ${groupThousands(accepted)} bytes were accepted`,
        'raise the limit of the collector, or of a proxy in front of it',
      );
  }

  private _lower(bytes: number, what: string, remedy: string): void {
    this._bytes = bytes;
    const line = `the collector${this._at()} ${what}, below maxExportRequestBytes (${groupThousands(this.configured)}): export requests are cut to ${groupThousands(bytes)} bytes from now on (set maxExportRequestBytes to it, or ${remedy})`;
    if (this._said) log.debug(line);
    else log.warn(line);
    this._said = true;
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
