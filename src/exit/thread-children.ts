import type { Worker } from 'node:worker_threads';
import { reportStoppedThread } from './thread-losses.js';
import { ThreadPeer } from './thread-peer.js';

/**
 * In a traced worker thread: the threads it starts itself, of which the main thread has no Worker
 * object, so never sees them end. Such a thread exports by itself when no traced main thread takes
 * it (an untraced main thread, or one that answered too late); `worker.terminate()` then stopped it
 * with what its own exporter held, and the spans still open in it, lost without a word. This
 * thread reads the counters it sent with its hello (FLOW) when its Worker emits `exit`, and says
 * what went with it (thread-losses.ts).
 */
export class ThreadChildren {
  /** Each thread started here, and its counters once its hello came. */
  private readonly _flows = new Map<number, Int32Array | undefined>();
  private readonly _onWorker = (worker: Worker) => {
    const id = worker.threadId;
    this._flows.set(id, undefined);
    worker.once('exit', () => {
      const flow = this._flows.get(id);
      this._flows.delete(id);
      if (flow && !this._closed) reportStoppedThread(id, new ThreadPeer(flow), this._drop);
    });
  };
  private _closed = false;

  constructor(private readonly _drop: (count: number) => void) {
    process.on('worker', this._onWorker);
  }

  /** A hello on the channel: kept if it is of a thread started here. */
  hello(threadId: number, flow: SharedArrayBuffer): void {
    if (this._flows.has(threadId) && this._flows.get(threadId) === undefined)
      this._flows.set(threadId, new Int32Array(flow));
  }

  close(): void {
    this._closed = true;
    process.off('worker', this._onWorker);
  }
}
