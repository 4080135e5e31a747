// Issue 20 item 1, user-supplied regexes: each is either applied with a bound (windows of 512
// characters, so its cost grows linearly whatever its shape) or, when it could backtrack
// catastrophically, refused with one `[@acme/otel]` warning naming it.
import { afterEach, describe, expect, it } from 'vitest';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { createRedactor } from '../../../src/redaction/redactor.js';
import { backtrackRisk, replaceWindowed, WINDOW } from '../../../src/redaction/user-patterns.js';

afterEach(() => resetLogger());

function capture(): string[] {
  const lines: string[] = [];
  setLogSink((_level, line) => lines.push(line));
  return lines;
}

describe('backtrackRisk', () => {
  it.each([
    [/(a+)+b/, 'nests quantifiers'],
    [/(?:\w+\s?)*:/, 'nests quantifiers'],
    [/((ab)*c)+/, 'nests quantifiers'],
    [/(a|ab)*c/, 'alternatives can start alike'],
    [/(?:\w|\d)+x/, 'alternatives can start alike'],
    [/(x)\1/, 'backreference'],
    [/(?<q>['"]).*\k<q>/, 'backreference'],
  ])('flags %s', (regex, reason) => {
    expect(backtrackRisk(regex)).toContain(reason);
  });

  it.each([
    /acme_[a-z0-9]{32}/,
    /\bsk-[A-Za-z0-9]{20,}/,
    /(?:live|test)_[0-9a-f]+/,
    /(?:ab|cd)+/,
    /(a+)?b/,
    /[(+*]+\(x\)/,
    /\d{3}-\d{2}-\d{4}/,
  ])('accepts %s', (regex) => {
    expect(backtrackRisk(regex)).toBeUndefined();
  });
});

describe('user patterns in the redactor', () => {
  it('refuses a catastrophic pattern with one warning, and still applies the others', () => {
    const lines = capture();
    const r = createRedactor({ patterns: [/(a+)+!/, /acme_[a-z0-9]{8}/] });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[@acme\/otel\] redaction\.patterns entry \/\(a\+\)\+!\/ could backtrack .*NOT applied/,
    );
    // Would take years with the refused pattern applied.
    expect(r.text(`${'a'.repeat(40)} acme_12345678`)).toBe(`${'a'.repeat(40)} [REDACTED]`);
  });

  it('refuses a catastrophic key regex the same way', () => {
    const lines = capture();
    const r = createRedactor({ keys: [/^(x-\w+)+-secret$/, /^x-tenant-key$/] });
    expect(lines.join('\n')).toContain('redaction.keys entry /^(x-\\w+)+-secret$/');
    const attributes = { 'x-tenant-key': 'k', other: 'v' };
    r.attributes(attributes);
    expect(attributes).toEqual({ 'x-tenant-key': '[REDACTED]', other: 'v' });
  });

  it('finds matches anywhere in a long string, across window edges', () => {
    const r = createRedactor({ patterns: [/acme_[a-z0-9]{8}/] });
    for (const at of [0, WINDOW / 2 - 5, WINDOW - 7, 10_000, 100_003]) {
      const text = `${'x '.repeat(at / 2)}${at % 2 ? ' ' : ''}acme_12345678${' y'.repeat(20_000)}`;
      const out = r.text(text);
      expect(out).not.toContain('acme_');
      expect(out.length).toBe(text.length - 'acme_12345678'.length + '[REDACTED]'.length);
    }
  });

  it('replaceWindowed matches a plain replace on long text', () => {
    const text = Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? `id-${i}-tok` : `w${i}`)).join(' ');
    const regex = /id-\d+-tok/g;
    expect(replaceWindowed(text, regex, '#')).toBe(text.replace(/id-\d+-tok/g, '#'));
  });

  it('a quadratic user pattern costs linear time', () => {
    // `\w+@` rescans the rest of a word from every position: 256 KB of letters is ~3e10 steps
    // unbounded; in 512-character windows it is a few tens of milliseconds.
    const r = createRedactor({ patterns: [/\w+@/] });
    const time = (n: number) => {
      const text = 'a'.repeat(n);
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        r.text(` ${text}`.slice(1));
        best = Math.min(best, performance.now() - start);
      }
      return best / n;
    };
    const small = time(16_384);
    const large = time(262_144);
    expect(large / small).toBeLessThan(4);
  });
});
