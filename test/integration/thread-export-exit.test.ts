// A worker thread's span on its way to the main thread when the process exits. The exit's drain
// read the channels until they were quiet for 10 ms: a span a thread had ended and was still
// encoding or posting when the exit stopped it (or that a loaded host did not run in time) was
// lost without a word, neither open any more nor counted anywhere (crash-processes' worker-thread
// test missed one 2 times in 14 under load). The drain now waits for every span a thread counts in
// flight, at most 100 ms, and counts and names what did not arrive.
import { afterEach, describe, expect, it } from 'vitest';
import type { ExportStats } from '../../src/types.js';
import { spawnNode } from '../support/child.js';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';

let rx: OtlpReceiver | undefined;
afterEach(() => rx?.stop());

describe('a span a worker thread is ending when the process exits', () => {
  it('stopped while it was being encoded: counted dropped, and named in the one loss line at exit', async () => {
    rx = await startReceiver({});
    const child = spawnNode(
      ['--require', './dist/register.cjs', 'test/fixtures/thread-exit-while-ending.cjs'],
      {
        ACME_OTEL_WORKER_THREADS: 'true',
        OTEL_SERVICE_NAME: 'thread-export-exit',
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
        // The scrubber, which runs before the hand-off in span.end(), would take the time instead:
        // the thread would be stopped with the span still open (counted as such, before as now).
        ACME_OTEL_REDACTION: 'false',
        OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: String(16 * 1024 * 1024),
        VALUE_BYTES: String(16 * 1024 * 1024),
      },
    );
    const { code } = await child.exited;
    const output = child.output();
    expect(code, output).toBe(0);
    // The exit stopped the thread inside span.end(): it never returned.
    expect(output).not.toContain('slow-to-encode ended');
    const names = rx.spans().map((s) => s.name);
    expect(names.sort(), output).toEqual(['small-0', 'small-1', 'small-2', 'small-3', 'small-4']);
    const lines = output.split('\n').filter((line) => /^\[@acme\/otel\].*\b(lost|dropped)\b/.test(line));
    expect(lines, output).toEqual([
      expect.stringMatching(
        /^\[@acme\/otel\] 1 span was lost at exit: 1 ended in worker thread \d+ had not reached the main thread after the exit waited \d+ ms for them: the thread was stopped before it posted them, or not run in time$/,
      ),
    ]);
    const stats = JSON.parse(/stats (\{.*\})/.exec(output)![1]!) as ExportStats;
    expect(stats).toMatchObject({ exported: 5, dropped: 1, failed: 0 });
  });
});
