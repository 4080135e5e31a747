import { setLogLevel, setLogScrubber } from '../diag/log.js';
import { redactorFor } from '../redaction/shared.js';
import type { ResolvedConfig } from '../types.js';

/** Logging as `config` says: its level, and lines scrubbed by its rules (user keys and patterns too). */
export function useLogSettings(config: ResolvedConfig): void {
  setLogLevel(config.logLevel);
  // Built on the first line.
  setLogScrubber((message) => redactorFor(config.redaction).text(message));
}
