import { type ExportResult, ExportResultCode } from '@opentelemetry/core';

// Detection lives in too-large-answer.ts (loaded by the exit sender thread, without @opentelemetry/core).
export { isTooLargeAnswer } from './too-large-answer.js';

/**
 * Spans not exported because they were too large: for our own request limit
 * (`maxExportRequestBytes`) or the collector's. The message always says "too large".
 */
export class ExportTooLargeError extends Error {
  override name = 'ExportTooLargeError';
}

/**
 * An export result that may say only some spans failed: `failedCount` of them, for `error`; the
 * others were delivered. A plain `ExportResult` fails or succeeds as a whole.
 */
export interface PartialExportResult extends ExportResult {
  readonly failedCount?: number;
}

/** How many of `total` spans an export result lost. */
export function failedSpanCount(result: PartialExportResult, total: number): number {
  if (result.failedCount !== undefined) return Math.min(total, result.failedCount);
  return result.code === ExportResultCode.SUCCESS ? 0 : total;
}
