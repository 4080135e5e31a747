type ReallyExit = (this: NodeJS.Process, code?: number) => never;
type WithReallyExit = NodeJS.Process & { reallyExit?: ReallyExit };

/**
 * `process.reallyExit(code)` is what `process.exit()` calls after the 'exit' event. Called
 * directly (signal-exit 3's wrapper once its own listeners ran, some CLIs, an 'exit' listener
 * that wants out at once), it ends the process with no 'exit' event: no exit listener runs, and
 * every pending and open span was lost without a line. Wrapped, it runs `beforeExit(code)` first
 * (a no-op when the 'exit' event has already run the exit path), then Node's own, with the same
 * arguments. Returns the undo: Node's own back, unless something wrapped ours since.
 */
export function watchReallyExit(beforeExit: (code: number) => void): () => void {
  const target = process as WithReallyExit;
  const own = Object.hasOwn(target, 'reallyExit');
  const original = target.reallyExit;
  if (typeof original !== 'function') return () => undefined;
  const watching: ReallyExit = function (this: NodeJS.Process, ...args: [code?: number]) {
    try {
      const code = Number(args[0] ?? 0);
      beforeExit(Number.isInteger(code) ? code : 0);
    } catch {}
    return Reflect.apply(original, this, args) as never;
  };
  target.reallyExit = watching;
  return () => {
    if (target.reallyExit !== watching) return;
    if (own) target.reallyExit = original;
    else delete target.reallyExit;
  };
}
