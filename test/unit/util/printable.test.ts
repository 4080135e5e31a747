// src/util/printable.ts: control characters written out as escapes wherever text from outside is
// shown in one of our lines (log lines, the waterfall).
import { describe, expect, it } from 'vitest';
import { printable } from '../../../src/util/printable.js';

describe('printable', () => {
  it('leaves ordinary text alone, tabs and non-ASCII letters included', () => {
    for (const text of ['', 'GET /orders/:id', 'a\tb', 'café Ünïcode 日本語 😀', '\u00a0nbsp']) {
      expect(printable(text)).toBe(text);
    }
  });

  it('escapes line breaks, escape sequences, C1 controls, separators and bidi controls', () => {
    expect(printable('a\nb\rc')).toBe('a\\nb\\rc');
    expect(printable('\u001b[2J\u0007\u0008\u0000\u007f')).toBe('\\x1b[2J\\x07\\x08\\x00\\x7f');
    expect(printable('\u0085\u009b')).toBe('\\x85\\x9b');
    expect(printable('\u2028\u2029')).toBe('\\u2028\\u2029');
    expect(printable('\u202eevil\u2066x\u2069')).toBe('\\u202eevil\\u2066x\\u2069');
  });

  it('is stateless between calls (a global RegExp keeps lastIndex)', () => {
    expect(printable('x\n')).toBe('x\\n');
    expect(printable('\n')).toBe('\\n');
    expect(printable('y\n')).toBe('y\\n');
  });

  it('takes time linear in the input, however hostile', () => {
    const time = (text: string) => {
      const start = process.hrtime.bigint();
      printable(text);
      return Number(process.hrtime.bigint() - start);
    };
    const unit = '\u001b[31m\n'.repeat(1 << 14);
    time(unit);
    const small = Math.min(...[0, 1, 2].map(() => time(unit)));
    const large = Math.min(...[0, 1, 2].map(() => time(unit.repeat(8))));
    // 8× the input: linear is ~8×; generous headroom for a noisy host.
    expect(large / small).toBeLessThan(40);
  });
});
