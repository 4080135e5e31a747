import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { PartialSuccessError } from '../export-errors.js';
import { EncodedSpans, holdSlabs } from './encoded-queue.js';
import type { ExportResponse } from './grpc-transport.js';
import { traceRequestChunks } from './request.js';
import { decodePartialSuccess, type PartialSuccess } from './response.js';

/** Upstream's default (`getSharedConfigurationDefaults().concurrencyLimit`, otlp-exporter-base 0.223). */
const CONCURRENCY_LIMIT = 30;

/** Our transports: OTLP/gRPC over node:http2 (grpc-transport.ts), OTLP/HTTP over node:http (http-transport.ts). */
export interface OtlpTransport {
  send(message: Uint8Array | readonly Uint8Array[], timeoutMillis: number): Promise<ExportResponse>;
  /** No new call; calls in flight go on to their answer or deadline, but keep no process alive. */
  shutdown(): void;
}

/**
 * OTLP exporter over our transports (OTLP/gRPC on node:http2, OTLP/HTTP on node:http). It does what upstream's export delegate did
 * around the transport (concurrency limit, per-call timeout, reading the response), without
 * loading @opentelemetry/otlp-exporter-base and otlp-transformer: those ~160 modules, loaded at
 * the first export, blocked the event loop for 50–230 ms in live traffic (issue #20, item 6).
 * Upstream's exporter metrics were built with no meter provider, i.e. no-ops, so nothing is lost.
 * A `partial_success` answer is a SUCCESS result carrying a {@link PartialSuccessError}.
 */
export class OtlpSpanExporter implements SpanExporter {
  private readonly _pending = new Set<Promise<void>>();

  constructor(
    private readonly _transport: OtlpTransport,
    private readonly _timeoutMillis: number,
  ) {}

  export(spans: ReadableSpan[] | EncodedSpans, resultCallback: (result: ExportResult) => void): void {
    if (this._pending.size >= CONCURRENCY_LIMIT) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('Concurrent export limit reached') });
      return;
    }
    let request: Uint8Array[];
    try {
      request = traceRequestChunks(spans);
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: asError(error) });
      return;
    }
    // The request's chunks are views of the queue's slabs: held until the call is over (the
    // transport answers when its stream has closed), whoever gave up on it before.
    const unhold = spans instanceof EncodedSpans ? holdSlabs(spans) : undefined;
    const call: Promise<void> = this._transport.send(request, this._timeoutMillis).then(
      (response) => {
        unhold?.();
        this._pending.delete(call);
        if (response.status === 'success') resultCallback(successResult(response.data));
        else
          resultCallback({
            code: ExportResultCode.FAILED,
            error:
              response.status === 'failure'
                ? response.error
                : new Error('Export failed with retryable status'),
          });
      },
      (error: unknown) => {
        unhold?.();
        this._pending.delete(call);
        resultCallback({ code: ExportResultCode.FAILED, error: asError(error) });
      },
    );
    this._pending.add(call);
  }

  async forceFlush(): Promise<void> {
    await Promise.all([...this._pending]);
  }

  /**
   * The transport first: no call starts from now on, and the calls in flight may still finish but
   * no longer keep the process alive. Whoever shuts down bounds the wait (the batch processor, at
   * its deadline, has already counted their spans lost); a call it gave up on held the process
   * open until its own deadline, the export timeout, after `shutdown()` had resolved.
   */
  async shutdown(): Promise<void> {
    this._transport.shutdown();
    await this.forceFlush();
  }
}

/** SUCCESS, with a {@link PartialSuccessError} when the response carries a partial_success. */
export function successResult(data: Uint8Array | undefined): ExportResult {
  if (data === undefined || data.length === 0) return { code: ExportResultCode.SUCCESS };
  let partial: ReturnType<typeof decodePartialSuccess>;
  try {
    partial = decodePartialSuccess(data);
  } catch {
    // As upstream: an unreadable response to an OK call is still a success.
    return { code: ExportResultCode.SUCCESS };
  }
  return partialResult(partial);
}

/** SUCCESS, carrying the partial_success (if any) as a {@link PartialSuccessError}. */
export function partialResult(partial: PartialSuccess | undefined): ExportResult {
  if (partial === undefined) return { code: ExportResultCode.SUCCESS };
  return {
    code: ExportResultCode.SUCCESS,
    error: new PartialSuccessError(partial.rejectedSpans, partial.errorMessage),
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
