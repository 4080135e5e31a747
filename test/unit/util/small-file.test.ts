// A file named in config (a certificate, a key) is read without blocking and without end: a FIFO,
// /dev/stdin or /dev/zero once blocked the exporting thread forever or read until memory ran out.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSmallFile } from '../../../src/util/small-file.js';

const dir = mkdtempSync(join(tmpdir(), 'acme-otel-small-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readSmallFile', () => {
  it('reads a regular file whole, up to the bound', () => {
    const file = join(dir, 'ca.pem');
    writeFileSync(file, 'x'.repeat(10));
    expect(readSmallFile(file, 10).toString()).toBe('x'.repeat(10));
    writeFileSync(file, '');
    expect(readSmallFile(file, 10)).toHaveLength(0);
  });

  it('refuses a file over the bound, naming it', () => {
    const file = join(dir, 'big.pem');
    writeFileSync(file, 'x'.repeat(11));
    expect(() => readSmallFile(file, 10)).toThrow('larger than 10 bytes');
  });

  it('gives the errno code for a file that cannot be opened', () => {
    expect(() => readSmallFile(join(dir, 'nope.pem'), 10)).toThrow(/^ENOENT$/);
  });

  it('refuses a directory, a FIFO with no writer and a device, at once', () => {
    expect(() => readSmallFile(dir, 10)).toThrow('not a regular file');
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => readSmallFile(fifo, 10)).toThrow('not a regular file');
    expect(() => readSmallFile('/dev/zero', 10)).toThrow('not a regular file');
  });
});
