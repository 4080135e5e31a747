import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { log } from '../diag/index.js';
import { groupThousands } from '../util/group-thousands.js';
import type { DropReporter } from './drop-reporter.js';
import type { OversizedSpan } from './otlp/encoded-queue.js';
import { describeSpan } from './span-label.js';
import type { ExportCounters } from './stats.js';
import { ExportTooLargeError } from './too-large.js';

export interface OversizeReportOptions {
  /** At most one line per kind (truncated, dropped) per interval, ms. @default 60000 */
  intervalMillis?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

const bytes = (n: number) => `${groupThousands(n)} bytes`;

/**
 * Counts spans that did not fit an export request whole (`truncated` in stats; a dropped one is
 * `failed` and goes to the drop reporter as "too large") and names them in a log line: the first
 * of each kind at once, then at most one per interval, saying how many were not named. Called
 * from `span.end()` (the queue encodes there), so a flood of large spans costs one line a minute.
 */
export function createOversizeReport(
  stats: ExportCounters,
  reporter: DropReporter | undefined,
  options: OversizeReportOptions = {},
): (span: ReadableSpan, outcome: OversizedSpan) => void {
  const interval = options.intervalMillis ?? 60_000;
  const now = options.now ?? Date.now;
  const windows = {
    truncated: { last: Number.NEGATIVE_INFINITY, unnamed: 0 },
    dropped: { last: Number.NEGATIVE_INFINITY, unnamed: 0 },
  };
  const line = (kind: keyof typeof windows, text: () => string) => {
    const w = windows[kind];
    if (now() - w.last < interval) {
      w.unnamed++;
      return;
    }
    const more = w.unnamed > 0 ? ` (and ${groupThousands(w.unnamed)} more since the last such message)` : '';
    w.last = now();
    w.unnamed = 0;
    log.warn(text() + more);
  };
  return (span, outcome) => {
    const limit = outcome.stated ? 'the limit learned from the collector' : 'maxExportRequestBytes';
    const size = `${bytes(outcome.encodedBytes)} encoded, more than the ${bytes(outcome.limitBytes)} a span may take in an export request (${limit})`;
    if (!outcome.dropped) {
      stats.truncated++;
      const cut =
        outcome.cut.length > 5 ? `${outcome.cut.slice(0, 5).join(', ')}, …` : outcome.cut.join(', ');
      line(
        'truncated',
        () =>
          `${describeSpan(span)} was ${size}: sent with ${outcome.cut.length} value(s) truncated (${cut})`,
      );
      return;
    }
    stats.failed++;
    const message = `${describeSpan(span)} too large to export even truncated: ${size}`;
    reporter?.recordFailure(1, new ExportTooLargeError(message));
    line('dropped', () => `dropped ${message}`);
  };
}
