import { setLogLevel, setLogRedaction } from '../diag/log.js';
import type { ResolvedConfig } from '../types.js';

/**
 * Logging as `config` says: its level, and lines scrubbed by its rules (user keys and patterns
 * too), built on the first line. The scrubber itself is not imported here: this runs in the
 * register entries at start-up (src/diag/log.ts loads it for the first line).
 */
export function useLogSettings(config: ResolvedConfig): void {
  setLogLevel(config.logLevel);
  setLogRedaction(config.redaction);
}
