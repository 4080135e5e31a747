import type { Worker } from 'node:worker_threads';
import { PREFIX } from '../diag/log.js';

const OURS = Buffer.from(PREFIX);

/**
 * Our lines in a worker thread go to the thread's `process.stderr` (so that a `Worker` created
 * with `stderr: true` captures them), which Node otherwise pipes into the main thread's
 * `process.stderr`. When that pipe's reader has gone (`node app.js 2>&1 | head`, a log shipper
 * that died), the main thread's write fails with EPIPE, raised as an 'error' event there: with no
 * listener, an uncaught exception and exit 1, in an app that writes nothing to stderr and that
 * untraced ran to the end. Watching what the thread's stderr carries (only when something already
 * reads it: Node's pipe, or the app), an 'error' listener of ours is on the main thread's
 * `process.stderr` for the turn in which one of our lines is written there: the error that line
 * raises comes in the next tick (stderr is synchronous for pipes), Node's pipe then stops, and our
 * later lines go nowhere, as the main thread's own do once stderr is gone.
 */
export function guardWorkerStderr(worker: Worker): void {
  const stderr = worker.stderr;
  if (stderr?.readableFlowing !== true) return;
  stderr.on('data', (chunk: Buffer | string) => {
    const ours =
      typeof chunk === 'string' ? chunk.startsWith(PREFIX) : OURS.equals(chunk.subarray(0, OURS.length));
    if (ours) guardTurn();
  });
}

let guarding = false;
const ignore = () => {
  // stderr is gone: nowhere to say anything.
};

function guardTurn(): void {
  if (guarding) return;
  guarding = true;
  process.stderr.on('error', ignore);
  setImmediate(() => {
    guarding = false;
    process.stderr.off('error', ignore);
  });
}
