// The scrubber for our log lines, as its own entry: src/diag/log.ts loads it for the first line
// written before tracing started (a register entry's config warning), so that the register entries
// do not compile the scrubber at start-up. Loading it installs it (src/redaction/shared.ts).
export { scrubbers } from './redaction/shared.js';
