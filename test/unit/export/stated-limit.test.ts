// The limit a collector states when it refuses a request as too large. Before, the number was
// never read: a refused request was halved down to single spans, and every later batch of that
// size was sent, refused and split again. The strings are what grpc-go (the Collector, rpc_util.go)
// and grpc-js answer; the message is the server's, so garbage and huge inputs must stay cheap.
import { describe, expect, it } from 'vitest';
import { parseStatedLimit, statedSizeLimit } from '../../../src/export/stated-limit.js';
import { bestMs } from '../../support/best-ms.js';

describe('parseStatedLimit', () => {
  it.each([
    ['grpc: received message larger than max (5242880 vs. 4194304)', 4194304],
    ['grpc: received message after decompression larger than max (5554999 vs. 4194304)', 4194304],
    ['grpc: message after decompression larger than max (5007 vs. 1000)', 1000],
    ['grpc: received message after decompression larger than max 4194304', 4194304],
    ['grpc: received message larger than max length allowed on current machine (5007 vs. 1000)', 1000],
    ['Received message larger than max (262498 vs 65536)', 65536],
    ['8 RESOURCE_EXHAUSTED: Received message larger than max (262498 vs 65536)', 65536],
    ['Received message that decompresses to a size larger than 65536', 65536],
    ['Sent message larger than max (300 vs. 200)', 200],
    ['rpc error: code = ResourceExhausted desc = grpc: received message larger than max (10 vs. 9)', 9],
  ])('%s → %d', (message, limit) => {
    expect(parseStatedLimit(message)).toBe(limit);
  });

  it.each([
    '',
    'Payload Too Large',
    'Received HTTP status code 413',
    'larger than',
    'larger than max',
    'larger than max (',
    'larger than max (5 vs',
    'larger than max (5 vs. )',
    'larger than max (5 vs. 4',
    'larger than max (5 versus 4)',
    'larger than max (vs. 4)',
    'larger than max (x vs. 4)',
    'larger than max 0',
    'larger than max (5 vs. 0)',
    'larger than max (5 vs. -4)',
    'larger than max -4',
    // A "received" size not over the limit is not why the request was refused.
    'larger than max (4 vs. 4)',
    'larger than max (3 vs. 4)',
    // More digits than a size can have, exactly.
    'larger than max (99999999999999999999 vs. 99999999999999999)',
    `larger than max ${'9'.repeat(400)}`,
    // The "(N vs. M)" too far from "larger than" to belong to it.
    `larger than max ${'x'.repeat(100)} (5 vs. 4)`,
  ])('states no limit: %j', (message) => {
    expect(parseStatedLimit(message)).toBeUndefined();
  });

  it('takes the largest exact integer, and the first usable statement', () => {
    expect(parseStatedLimit('larger than max (999999999999999 vs. 999999999999998)')).toBe(999999999999998);
    expect(parseStatedLimit('larger than max (9007199254740993 vs. 999999999999999)')).toBeUndefined();
    expect(parseStatedLimit('larger than nothing; Received message larger than max (70 vs 60)')).toBe(60);
  });

  it('reads only the start of a long message, in linear time', () => {
    const tail = ' grpc: received message larger than max (5 vs. 4)';
    expect(parseStatedLimit(`${'a'.repeat(100 * 1024)}${tail}`)).toBeUndefined();
    expect(
      parseStatedLimit(`grpc: received message larger than max (5 vs. 4)${'a'.repeat(100 * 1024)}`),
    ).toBe(4);
    // The worst shapes for a scanner: the needle over and over, and an open parenthesis never closed.
    const shapes: [string, (n: number) => string][] = [
      ['needle', (n) => 'larger than '.repeat(n / 12)],
      ['open list', (n) => `larger than max (${'1 '.repeat(n / 2)}`],
      ['long number', (n) => `larger than max (1 vs. ${'9'.repeat(n)}`],
      ['spaces', (n) => ' '.repeat(n)],
      ['open parentheses', (n) => 'larger than max ('.repeat(n / 17)],
    ];
    // Flat strings (a Buffer round trip), so that no timing pays for V8 joining a rope.
    const flat = (text: string) => Buffer.from(text).toString();
    for (const [name, make] of shapes) {
      const small = flat(make(100 * 1024));
      const large = flat(make(1024 * 1024));
      expect(parseStatedLimit(small)).toBeUndefined();
      expect(parseStatedLimit(large)).toBeUndefined();
      // 1 MB costs what 100 KB does: a scanner that read it all, or backtracked, would take 10
      // times as long or more.
      for (let i = 0; i < 500; i++) parseStatedLimit(small) ?? parseStatedLimit(large);
      // 2,000 calls a sample (a few ms), so a single GC pause or a scheduler tick cannot make the ratio.
      const ms = (text: string) =>
        bestMs(() => {
          for (let i = 0; i < 2000; i++) parseStatedLimit(text);
        }, 7);
      const ratio = ms(large) / Math.max(ms(small), 0.5);
      expect(ratio, `${name}: 1 MB against 100 KB`).toBeLessThan(3);
    }
  });
});

describe('statedSizeLimit', () => {
  it('reads a gRPC error, its details first, and its causes', () => {
    const grpc = Object.assign(
      new Error('8 RESOURCE_EXHAUSTED: grpc: received message larger than max (5 vs. 4)'),
      {
        code: 8,
        details: 'grpc: received message larger than max (5 vs. 4)',
      },
    );
    expect(statedSizeLimit(grpc)).toBe(4);
    expect(statedSizeLimit(new Error('too large', { cause: grpc }))).toBe(4);
    expect(statedSizeLimit(Object.assign(new Error('Payload Too Large'), { code: 413 }))).toBeUndefined();
    expect(statedSizeLimit('larger than max 5')).toBeUndefined();
    expect(statedSizeLimit(undefined)).toBeUndefined();
  });
});
