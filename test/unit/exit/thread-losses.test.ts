// The loss line at exit names what worker threads' own exporters held as Node stopped them
// (thread-export.test.ts runs it in real processes, one thread at a time): with many threads the
// line stays one line, each thread named with its count up to a bound.
import { describe, expect, it } from 'vitest';
import { heldAtExitCause } from '../../../src/exit/thread-losses.js';

const TAIL =
  "at exit (queued, or being exported): Node stops worker threads without their 'exit' event, so nothing sent them";

describe('heldAtExitCause', () => {
  it('one thread: its id, and the spans its own exporter held', () => {
    expect(heldAtExitCause([{ thread: 4, spans: 3 }])).toEqual({
      spans: 3,
      text: `3 were held by worker thread 4's own exporter ${TAIL}`,
    });
  });

  it('several threads: the sum, and each thread with its count', () => {
    expect(
      heldAtExitCause([
        { thread: 4, spans: 3 },
        { thread: 9, spans: 1_200 },
      ]),
    ).toEqual({
      spans: 1_203,
      text: `1,203 were held by the own exporters of worker threads 4 (3), 9 (1,200) ${TAIL}`,
    });
  });

  it('more than five threads: the first five named, the rest counted', () => {
    const held = Array.from({ length: 8 }, (_, i) => ({ thread: i + 1, spans: 2 }));
    expect(heldAtExitCause(held)).toEqual({
      spans: 16,
      text: `16 were held by the own exporters of worker threads 1 (2), 2 (2), 3 (2), 4 (2), 5 (2) and 3 more ${TAIL}`,
    });
  });
});
