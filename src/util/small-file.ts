import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { groupThousands } from './group-thousands.js';

/**
 * Reads a file a user named in config (a certificate, a key) without blocking the thread or
 * reading without end. `readFileSync` reads until end of file: given a FIFO or `/dev/stdin` it
 * waited for a writer forever, on the thread that exports (the host's main thread); given
 * `/dev/zero` it read until memory ran out. So the file is opened non-blocking, must be a regular
 * file of at most `maxBytes`, and is read up to its size. Throws an Error whose message is the
 * reason, for the caller's warning: an errno code (`ENOENT`, `EACCES`, …), `not a regular
 * file`, `larger than N bytes`, or `changed as it was read`.
 */
export function readSmallFile(file: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new Error(reason(error));
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error('not a regular file');
    if (stat.size > maxBytes) throw new Error(`larger than ${groupThousands(maxBytes)} bytes`);
    // One byte more than its size: a file that grows as it is read (a log being written) is
    // refused rather than read without end.
    const buffer = Buffer.allocUnsafe(stat.size + 1);
    let length = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, length, buffer.length - length, null);
      } catch (error) {
        throw new Error(reason(error));
      }
      if (n === 0) break;
      length += n;
      if (length > stat.size) throw new Error('changed as it was read');
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

function reason(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
