/**
 * Node's permission model (`--permission`; `--experimental-permission` on Node 20) takes away what
 * the export path needs unless the command line grants it: worker threads (the exit path sends
 * what is still queued at a crash or `process.exit()` from one, src/exit/sync-send.ts) and, from
 * Node 25 on, network connections. Without them spans are lost; said at start-up, once, with the
 * flag to add, not first at the crash that loses them.
 */
export function permissionModelWarnings(): string[] {
  const permission = (process as { permission?: { has(scope: string): boolean } }).permission;
  if (permission === undefined) return [];
  const lines: string[] = [];
  try {
    if (!permission.has('worker')) {
      lines.push(
        "Node's permission model is on without --allow-worker: spans still queued when the process crashes or " +
          'calls process.exit() cannot be sent (the exit path sends them from a worker thread) and are counted ' +
          'as lost; a normal end and shutdown() still export them. Add --allow-worker to keep them',
      );
    }
    // Only a Node that knows the flag restricts the network (has('net') is false on the others too).
    if (process.allowedNodeEnvironmentFlags.has('--allow-net') && !permission.has('net')) {
      lines.push(
        "Node's permission model is on without --allow-net: no span can be exported to the collector. Add --allow-net",
      );
    }
  } catch {
    // A Node whose permission API differs: the export's own errors still say what went wrong.
  }
  return lines;
}
