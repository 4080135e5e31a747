// parseForwarded reads the `Forwarded` header with forwarded-parse, the package upstream's
// instrumentation-http uses, so the server side reads what upstream reads; a malformed header,
// where forwarded-parse throws, gives nothing (upstream then ignores the header).
import { describe, expect, it } from 'vitest';
import { parseForwarded } from '../../../src/instrumentations/forwarded-header.js';

describe('parseForwarded', () => {
  it('returns one object per element, names lower-cased, quoted values unescaped', () => {
    expect(parseForwarded('For="[2001:db8::1]:4711";Proto=https, for=192.0.2.60;host="a\\"b"')).toEqual([
      { for: '[2001:db8::1]:4711', proto: 'https' },
      { for: '192.0.2.60', host: 'a"b' },
    ]);
  });

  it.each(['for', 'for=', 'for=a;', 'for="a', '=a', 'for=a,,'])('%j is malformed: undefined', (header) => {
    expect(parseForwarded(header)).toBeUndefined();
  });

  it('reads a 4,096-element header, one object per element', () => {
    const header = Array.from({ length: 4096 }, (_, i) => `for=10.0.${i >> 8}.${i & 255}`).join(',');
    expect(parseForwarded(header)).toHaveLength(4096);
  });
});
