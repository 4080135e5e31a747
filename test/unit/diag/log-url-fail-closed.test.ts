// scrubUrlForLog (an endpoint quoted in a config error or a log line) is meant to fail closed: a
// scrubber that throws, or one that cannot be loaded (dist/log-scrubber.js missing from a bundle),
// gives `[REDACTED]` for the whole URL, never the URL as given. Untested until 2026-12-07. The
// scrubber is swapped through the logger's own seam (setScrubbers, which the scrubber calls when it
// loads); the function under test runs as shipped.
import { afterEach, describe, expect, it } from 'vitest';
import { validateOptions } from '../../../src/config/options.js';
import { type Scrubbers, scrubUrlForLog, setScrubbers } from '../../../src/diag/log.js';
import { scrubbers as realScrubbers } from '../../../src/redaction/shared.js';
import { requireEntry } from '../../../src/util/internal-entry.js';

const CANARY = 'c4n4ryUrl7Q';
const URL_WITH_SECRETS = `https://bob:${CANARY}@collector.example/v1/traces?api_key=${CANARY}`;

afterEach(() => setScrubbers(realScrubbers));

function throwing(): Scrubbers {
  return {
    textFor: realScrubbers.textFor,
    url: () => {
      throw new Error(`scrubber broke on ${URL_WITH_SECRETS}`);
    },
  };
}

describe('scrubUrlForLog', () => {
  it('with the scrubber loaded: the URL without its password and secret parameters', () => {
    expect(scrubUrlForLog(URL_WITH_SECRETS)).toBe(
      'https://REDACTED:REDACTED@collector.example/v1/traces?api_key=REDACTED',
    );
  });

  it('fails closed when the loaded scrubber throws: the whole URL is replaced', () => {
    setScrubbers(throwing());
    expect(scrubUrlForLog(URL_WITH_SECRETS)).toBe('[REDACTED]');
    expect(scrubUrlForLog('https://collector.example/v1/traces')).toBe('[REDACTED]');
  });

  it('fails closed when the scrubber cannot be loaded', () => {
    // Under vitest the sources run from src/, where no built log-scrubber entry sits beside them:
    // loading it throws, as it does in a bundle that left dist/log-scrubber.js out.
    expect(() => requireEntry('log-scrubber')).toThrow();
    setScrubbers(undefined as unknown as Scrubbers);
    expect(scrubUrlForLog(URL_WITH_SECRETS)).toBe('[REDACTED]');
  });

  it("a config error's endpoint goes out withheld, not as given, when the scrubber throws", () => {
    setScrubbers(throwing());
    // `ftp:` is no OTLP endpoint: the error quotes the value through scrubUrlForLog.
    const endpoint = `ftp://collector.example/v1/traces?api_key=${CANARY}`;
    let message = '';
    try {
      validateOptions({ endpoint });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/ endpoint="\[REDACTED\]": expected an http/);
    expect(message).not.toContain(CANARY);
  });
});
