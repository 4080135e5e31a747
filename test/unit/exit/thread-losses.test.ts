// The loss line at exit names what worker threads' own exporters held as Node stopped them
// (thread-export.test.ts runs it in real processes, one thread at a time): with many threads the
// line stays one line, each thread named with its count up to a bound.
import { describe, expect, it } from 'vitest';
import { heldAtExitCause, unreceivedAtExitCause } from '../../../src/exit/thread-losses.js';

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

describe('unreceivedAtExitCause', () => {
  const tail = (ms: string) =>
    `had not reached the main thread after the exit waited ${ms} ms for them: the thread was stopped before it posted them, or not run in time`;

  it('one thread: its id, the spans, and how long the exit waited', () => {
    expect(unreceivedAtExitCause([{ thread: 3, spans: 1 }], 100)).toEqual({
      spans: 1,
      text: `1 ended in worker thread 3 ${tail('100')}`,
    });
  });

  it('several threads: the sum, each thread with its count, the first five named', () => {
    const unreceived = Array.from({ length: 7 }, (_, i) => ({ thread: i + 2, spans: i + 1 }));
    expect(unreceivedAtExitCause(unreceived, 1_000)).toEqual({
      spans: 28,
      text: `28 ended in worker threads 2 (1), 3 (2), 4 (3), 5 (4), 6 (5) and 2 more ${tail('1,000')}`,
    });
  });
});
