// A warning or a config error quotes the value it is about. Quoted whole, a long one hid the
// reason: a line is cut at 8,192 characters, so `OTEL_RESOURCE_ATTRIBUTES` with a 100 KB entry
// printed 8 KB of it and never said what was wrong or what was used instead; a 100 KB string
// given in code made a 100 KB error message, and a 100,000-key object was stringified whole into
// it. And a config error, which apps log and crash reporters send, quoted credentials: an
// endpoint's `user:pw@`, a header's value, a token under a misspelt option.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/resolve.js';
import { setBaggage } from '../../../src/context/index.js';
import { formatValue } from '../../../src/errors.js';
import { resolveInstrumentationNames } from '../../../src/instrumentations/index.js';
import type { TracingOptions } from '../../../src/types.js';
import { base, captureWarnings } from './capture.js';

const warnings = captureWarnings();

function thrownBy(options: TracingOptions | Record<string, unknown>): string {
  try {
    resolveConfig(options as TracingOptions, base);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('resolveConfig did not throw');
}

describe('a long value is quoted in part, and the line still says what is wrong', () => {
  it('OTEL_RESOURCE_ATTRIBUTES with a 100 KB entry: the problem and what is used instead', () => {
    const long = 'x'.repeat(100_000);
    resolveConfig({ serviceName: 's' }, { ...base, OTEL_RESOURCE_ATTRIBUTES: `a=%ZZ,b,c=${long}` });
    const line = warnings.find((w) => w.includes('OTEL_RESOURCE_ATTRIBUTES='));
    expect(line).toBeDefined();
    expect(line!.length).toBeLessThan(600);
    expect(line).toMatch(
      /OTEL_RESOURCE_ATTRIBUTES="a=%ZZ,b,c=x+"… \(99810 more characters\) was given, but /,
    );
    expect(line).toMatch(
      /the value of a is not valid percent-encoding, using it undecoded; the entry "b" is not key=value, ignoring that entry\.$/,
    );
  });

  it('a 100 KB key or entry in the list is cut too', () => {
    const key = 'k'.repeat(100_000);
    resolveConfig({ serviceName: 's' }, { ...base, OTEL_RESOURCE_ATTRIBUTES: `${key}=%ZZ,${key}` });
    const line = warnings.find((w) => w.includes('OTEL_RESOURCE_ATTRIBUTES='))!;
    expect(line.length).toBeLessThan(1200);
    expect(line).toMatch(
      /the value of k+… \(99800 more characters\) is not valid percent-encoding, using it undecoded;/,
    );
    expect(line).toMatch(
      /the entry "k+"… \(99800 more characters\) is not key=value, ignoring that entry\.$/,
    );
  });

  it('OTEL_NODE_ENABLED_INSTRUMENTATIONS naming a 50 KB unknown instrumentation', () => {
    const lines: string[] = [];
    const name = 'n'.repeat(50_000);
    resolveInstrumentationNames({ enabledEnv: `http,${name}` }, (line) => lines.push(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBeLessThan(1500);
    expect(lines[0]).toMatch(
      /names unknown instrumentation "n+"… \(49800 more characters\) \(known: .*\), using /,
    );
  });

  it('a baggage key of 10 KB that is not a token: the warning says so', () => {
    setBaggage({ [`bad key ${'k'.repeat(10_000)}`]: 'v' });
    const line = warnings.find((w) => w.includes('baggage key'));
    expect(line).toMatch(
      /baggage key "bad key k+"… \(9808 more characters\) is not a valid W3C token; entry dropped\.$/,
    );
  });

  it('a 100 KB string given in code: a short message that still says what is allowed', () => {
    const message = thrownBy({ sampleRatio: 'x'.repeat(100_000) });
    expect(message.length).toBeLessThan(400);
    expect(message).toMatch(
      /^\[@acme\/otel\] invalid option sampleRatio="x+"… \(99800 more characters\): expected a number in \[0, 1\]$/,
    );
  });

  it('a 100,000-key object, a cycle, deep nesting: a short preview, never the whole', () => {
    const many = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    expect(thrownBy({ sampleRatio: many })).toMatch(
      /sampleRatio=\{"k0":0,"k1":1,.*"k19":19,… 99980 more\}: expected/,
    );
    const cycle: Record<string, unknown> = { name: 'a' };
    cycle.self = cycle;
    expect(thrownBy({ sampleRatio: cycle })).toMatch(
      /sampleRatio=\{"name":"a","self":\{"name":"a","self":\{"name":"a","self":\{…\}\}\}\}: /,
    );
    expect(formatValue([[[[[1]]]]])).toBe('[[[[…]]]]');
  });

  it('values shown as written, and a value that throws when read is still a message', () => {
    expect(thrownBy({ sampleRatio: Number.NaN })).toMatch(/sampleRatio=NaN: /);
    expect(thrownBy({ sampleRatio: Number.POSITIVE_INFINITY })).toMatch(/sampleRatio=Infinity: /);
    expect(thrownBy({ sampleRatio: 10n })).toMatch(/sampleRatio=10: /);
    const throwing = Object.defineProperty({}, 'a', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    expect(thrownBy({ sampleRatio: throwing })).toMatch(/sampleRatio=\{"a":…: expected a number/);
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(thrownBy({ sampleRatio: proxy })).toMatch(/sampleRatio=\[unprintable object\]: /);
  });
});

describe('a config error quotes no credential', () => {
  it("an endpoint's userinfo and secret query parameters", () => {
    const userinfo = thrownBy({ endpoint: 'http://bob:hunter2@127.0.0.1:99999' });
    expect(userinfo).toMatch(/endpoint="http:\/\/REDACTED:REDACTED@127\.0\.0\.1:99999": expected an http/);
    expect(userinfo).not.toContain('hunter2');
    const bare = thrownBy({ endpoint: 'bob:hunter2@collector' });
    expect(bare).not.toContain('hunter2');
    const query = thrownBy({ endpoint: 'ftp://collector/?api_key=s3cr3tvalue' });
    expect(query).toMatch(/api_key=REDACTED/);
    expect(query).not.toContain('s3cr3tvalue');
  });

  it("a header's value, whatever its type", () => {
    const message = thrownBy({ headers: { authorization: 12345678 } });
    expect(message).toBe(
      '[@acme/otel] invalid option headers.authorization=[REDACTED] (a number): expected a string',
    );
    const whole = thrownBy({ headers: 'x-api-key=s3cr3tvalue' });
    expect(whole).toMatch(/headers=\[REDACTED\] \(a string\): expected an object/);
    expect(whole).not.toContain('s3cr3tvalue');
  });

  it('secrets under a misspelt or misplaced option, as the log lines scrub them', () => {
    const header = thrownBy({ exporterHeaders: { authorization: 'Basic dXNlcjpodW50ZXIy' } });
    expect(header).toMatch(
      /^\[@acme\/otel\] invalid option exporterHeaders=\{"authorization":"\[REDACTED\]"\}: unknown option/,
    );
    const token = `ghp_${'a'.repeat(36)}`;
    expect(thrownBy({ tokn: token })).not.toContain(token);
    // Scrubbed before the cut: a 1,000-character bearer token is not left half in the message.
    const bearer = thrownBy({ sampleRatio: `Bearer ${'a'.repeat(1000)}` });
    expect(bearer).not.toMatch(/aaaa/);
  });

  it('the error keeps the value given', () => {
    expect(() => resolveConfig({ endpoint: 'http://bob:hunter2@127.0.0.1:99999' }, base)).toThrow(
      expect.objectContaining({ option: 'endpoint', value: 'http://bob:hunter2@127.0.0.1:99999' }),
    );
  });
});
