// Issue 20 item 7: our own log lines leave the process too (stderr). A failed runDetached task
// logged `password=…` and bearer tokens that its span had scrubbed. Every line now goes through the
// span scrubber: the default rules, or the configured ones once initTracing has run.
import { context, propagation, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDetached } from '../../../src/context/detached.js';
import { log, resetLogger, setLogSink } from '../../../src/diag/log.js';
import { spanLabel } from '../../../src/export/span-label.js';
import { initTracing } from '../../../src/sdk/init.js';

const CANARY = 'c4n4ryLog5X';
let lines: string[];
beforeEach(() => {
  trace.disable();
  context.disable();
  propagation.disable();
  lines = [];
  setLogSink((_level, line) => lines.push(line));
});
afterEach(() => resetLogger());

describe('log lines are one line each', () => {
  it('quote control characters as escapes: no forged line, no terminal codes, no reordering', () => {
    // E.g. a collector's grpc-message, percent-decoded: its text reaches our export-failure line.
    log.warn(
      'export failed: bad\r[@acme/otel] all fine\n[@acme/otel] forged\u001b[2J\u0007\u202eevil\u2028x\u0085',
    );
    expect(lines).toEqual([
      '[@acme/otel] export failed: bad\\r[@acme/otel] all fine\\n[@acme/otel] forged\\x1b[2J\\x07\\u202eevil\\u2028x\\x85',
    ]);
  });
});

describe('log lines are scrubbed', () => {
  it('with the default rules before any setup', () => {
    log.warn(`export to https://u:${CANARY}@collector/v1?api_key=${CANARY} failed: password=${CANARY}`);
    expect(lines).toEqual([
      '[@acme/otel] export to https://REDACTED:REDACTED@collector/v1?api_key=REDACTED failed: password=[REDACTED]',
    ]);
  });

  it("keeps our span labels' ids, even one that looks like a card number, and scrubs the rest", () => {
    // A span id of 16 digits passing Luhn (about 2 in 100,000 ids) was replaced as a card number.
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const label = spanLabel(`GET /pay?card=4111111111111111&password=${CANARY}`, traceId, '4111111111111111');
    log.warn(`${label} was too large: dropped (card 5500000000000004)`);
    expect(lines).toEqual([
      `[@acme/otel] span "GET /pay?card=[REDACTED]&password=[REDACTED]" (trace ${traceId}, span 4111111111111111) was too large: dropped (card [REDACTED])`,
    ]);
  });

  it('a span name cannot forge a label to carry a card number through', () => {
    const forged = spanLabel(
      `x" (trace ${'0'.repeat(32)}, span 4111111111111111)`,
      'a'.repeat(32),
      'b'.repeat(16),
    );
    log.warn(forged);
    expect(lines[0]).not.toContain('4111111111111111');
    expect(lines[0]).toContain(`(trace ${'a'.repeat(32)}, span ${'b'.repeat(16)})`);
    const backslash = spanLabel('x\\', 'c'.repeat(32), '4111111111111111');
    log.warn(backslash); // the quote after an escaped backslash: not trusted, so scrubbed as before
    expect(lines[1]).not.toContain('4111111111111111');
  });

  it('a failed detached task: the log line matches its scrubbed span', async () => {
    runDetached('job', () => {
      throw new Error(`db said no: password=${CANARY}; Authorization: Bearer ${CANARY}abcdef`);
    });
    await new Promise((resolve) => setImmediate(resolve));
    const line = lines.find((l) => l.includes('detached task "job" failed'));
    expect(line).toMatch(
      /^\[@acme\/otel\] detached task "job" failed: Error: db said no: password=\[REDACTED\]; Authorization: \[REDACTED\]/,
    );
    expect(lines.join('\n')).not.toContain(CANARY);
  });

  it('with the configured rules (user keys and patterns) after initTracing', async () => {
    const tracing = initTracing(
      {
        serviceName: 'log-scrub',
        exporter: 'none',
        instrumentations: false,
        handleSignals: false,
        redaction: { keys: ['x-tenant-key'], patterns: [/acme_[a-z0-9]{8}/] },
      },
      {},
    );
    try {
      log.error(`x-tenant-key=${CANARY} and acme_12345678`);
      expect(lines.at(-1)).toBe('[@acme/otel] x-tenant-key=[REDACTED] and [REDACTED]');
    } finally {
      await tracing.shutdown();
    }
  });
});

describe('one-time warnings are bounded', () => {
  it('a family of them (keys made from data) shows ONCE_PER_FAMILY, then one line, then nothing', async () => {
    const { ONCE_PER_FAMILY } = await import('../../../src/diag/log.js');
    for (let i = 0; i < 100; i++) log.warnOnce(`bag/${i}`, `key ${i} dropped`, 'invalid baggage keys');
    expect(lines).toHaveLength(ONCE_PER_FAMILY + 1);
    expect(lines[ONCE_PER_FAMILY - 1]).toBe(`[@acme/otel] key ${ONCE_PER_FAMILY - 1} dropped`);
    expect(lines[ONCE_PER_FAMILY]).toBe(
      `[@acme/otel] further warnings about invalid baggage keys are not shown (${ONCE_PER_FAMILY} were, each for a different value)`,
    );
    // Other warnings go on as before.
    log.warnOnce('other', 'another cause');
    log.warnOnce('other', 'another cause');
    expect(lines.at(-1)).toBe('[@acme/otel] another cause');
    expect(lines).toHaveLength(ONCE_PER_FAMILY + 2);
  });

  it('so does setBaggage with keys from a client: 1,000 invalid keys, a bounded number of lines', async () => {
    const { setBaggage } = await import('../../../src/context/baggage.js');
    const { ONCE_PER_FAMILY } = await import('../../../src/diag/log.js');
    for (let i = 0; i < 1000; i++) setBaggage({ [`bad key ${i}`]: 'v' });
    expect(lines).toHaveLength(ONCE_PER_FAMILY + 1);
  });
});

describe('log lines are bounded', () => {
  it('cuts a message past MAX_LINE characters, after scrubbing it whole', async () => {
    const { MAX_LINE } = await import('../../../src/diag/log.js');
    // A secret straddling the cut is scrubbed as a whole first: no half of it is shown.
    const head = 'x'.repeat(MAX_LINE - 10);
    log.warn(`${head} password=${CANARY}${'y'.repeat(3_000_000)}`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(CANARY.slice(0, 4));
    expect(lines[0]!.length).toBeLessThan(MAX_LINE + 100);
    expect(lines[0]).toMatch(/… \(\d+ more characters\)$/);
  });
});
