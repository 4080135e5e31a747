// Tests that import src/ directly (the unit tests, some integration ones) write our log lines
// where src/diag/log.ts cannot load the built scrubber entry (dist/log-scrubber.js) for a line
// written before anything loaded the scrubber: load it here, as the library does when tracing
// starts. The lazy load itself is tested against dist (test/integration/lazy-log-scrubber.test.ts).
import '../../src/redaction/shared.js';
