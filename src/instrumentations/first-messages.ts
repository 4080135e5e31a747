// Who takes a diagnostics-channel message that arrived before its subscriber existed: the
// message that fired a deferred start (src/sdk/deferred-start.ts) reached only the trigger's
// subscriber, since a channel snapshots its subscribers when it publishes. The subscribers
// created by the start register here; the start hands the message on.

/** Not a channel: the ES module import (import-in-the-middle's hook arguments) that started tracing. */
export const FIRST_IMPORT = 'acme:first-import';

const takers = new Map<string, (message: unknown) => void>();

/** Registers `take` for `channel` until the returned function is called. */
export function takeFirstMessages(channel: string, take: (message: unknown) => void): () => void {
  takers.set(channel, take);
  return () => {
    if (takers.get(channel) === take) takers.delete(channel);
  };
}

/** Hands `message` to the subscriber registered for `channel`; whether there was one. */
export function handOnMessage(channel: string, message: unknown): boolean {
  const take = takers.get(channel);
  if (take === undefined) return false;
  take(message);
  return true;
}
