/**
 * Whether this is a worker thread, without loading `node:worker_threads` (with the streams it pulls
 * in, ~2 ms of every start-up): in a worker, Node replaces `process.abort` (like `chdir`, `setuid`...)
 * with a stub that throws ERR_WORKER_UNSUPPORTED_OPERATION and is marked `disabled` (Node 20, 22,
 * 24; test/integration/register.test.ts starts a real worker on each).
 */
export function inWorkerThread(): boolean {
  return (process.abort as { disabled?: unknown }).disabled === true;
}
