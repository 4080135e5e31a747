import type { ExportStats } from '../types.js';

/**
 * Mutable counters shared by one export pipeline (batch processor, retrying exporter, drop
 * reporter). Plain numeric fields so the hot path (`dropped++` in `onEnd`) costs one add.
 */
export interface ExportCounters extends ExportStats {
  /** A frozen copy, for `TracingHandle.stats()`. */
  snapshot(): ExportStats;
}

/** Creates zeroed counters for one export pipeline. */
export function createExportStats(): ExportCounters {
  return {
    exported: 0,
    dropped: 0,
    failed: 0,
    rejected: 0,
    retries: 0,
    truncated: 0,
    snapshot() {
      return Object.freeze({
        exported: this.exported,
        dropped: this.dropped,
        failed: this.failed,
        rejected: this.rejected,
        retries: this.retries,
        truncated: this.truncated,
      });
    },
  };
}
