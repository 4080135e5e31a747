// The line the drop reporter writes for spans lost to an export error: what a user reads.
import { setLogSink } from '../../src/diag/log.js';
import { DropReporter } from '../../src/export/drop-reporter.js';
import { createExportStats } from '../../src/export/stats.js';

/** The line the drop reporter writes for 3 spans lost to `error` exporting to `url` (sets the log sink). */
export function lossLine(url: string, error: unknown): string | undefined {
  const lines: string[] = [];
  setLogSink((_level, line) => lines.push(line));
  const stats = createExportStats();
  const reporter = new DropReporter(stats, { endpoint: url });
  stats.failed += 3;
  reporter.recordFailure(3, error);
  reporter.shutdown();
  return lines[0];
}
