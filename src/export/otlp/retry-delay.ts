import { decodeRetryInfo } from './retry-info.js';

// The wait a collector asks for before the retry: HTTP `Retry-After` (http-answer.ts) or gRPC
// RetryInfo (retry-info.ts). Both reach the retry loop (retrying-exporter.ts) as the failed call's
// `retryAfterMillis`; only this module reads it.

/**
 * The longest asked-for wait that is kept as asked. An export never waits past its timeout anyway
 * (retrying-exporter.ts); the bound keeps absurd values (a Duration of 10^11 s, `Retry-After:
 * 9999999999`) finite and printable, and below setTimeout's 2^31 ms, past which it fires at once.
 */
export const MAX_RETRY_DELAY_MILLIS = 60 * 60 * 1000;

/** `millis` within [0, {@link MAX_RETRY_DELAY_MILLIS}]; undefined for a negative or non-finite one. */
export function boundedRetryDelay(millis: number): number | undefined {
  if (!(millis >= 0) || Number.isNaN(millis)) return undefined;
  return Math.min(millis, MAX_RETRY_DELAY_MILLIS);
}

/** The RetryInfo delay of a `grpc-status-details-bin` value (retry-info.ts), bounded; else undefined. */
export function grpcRetryDelay(statusDetails: unknown): number | undefined {
  const millis = decodeRetryInfo(statusDetails);
  return millis === undefined ? undefined : boundedRetryDelay(millis);
}

/**
 * The wait the collector asked for with a failed call, in ms, or undefined when it asked for none:
 * our transports' `retryAfterMillis` (HttpStatusError, GrpcStatusError), or the RetryInfo in the
 * trailers of a grpc-js ServiceError (`metadata`, the OTLP/gRPC path through a proxy). 0 is an
 * answer (retry at once, with the usual backoff); it still says the server expects the retry.
 */
export function askedRetryDelay(error: unknown): number | undefined {
  try {
    if (typeof error !== 'object' || error === null) return undefined;
    const { retryAfterMillis, metadata } = error as { retryAfterMillis?: unknown; metadata?: unknown };
    if (typeof retryAfterMillis === 'number') return boundedRetryDelay(retryAfterMillis);
    const get = (metadata as { get?: unknown } | undefined)?.get;
    if (typeof get !== 'function') return undefined;
    const values: unknown = get.call(metadata, 'grpc-status-details-bin');
    return Array.isArray(values) ? grpcRetryDelay(values[0]) : undefined;
  } catch {
    return undefined; // a custom exporter's error with a throwing getter
  }
}

/** `300 ms`, `1.5 s`, `30 s`, `1 h or more`: a wait as a log line says it. */
export function formatRetryDelay(millis: number): string {
  if (millis >= MAX_RETRY_DELAY_MILLIS) return '1 h or more';
  if (millis < 1000) return `${Math.ceil(millis)} ms`;
  return `${Number((millis / 1000).toFixed(1))} s`;
}
