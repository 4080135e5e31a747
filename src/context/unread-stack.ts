import type { Exception } from '@opentelemetry/api';

const PEEKED = Symbol('@acme/otel.peeked-stack');

/**
 * `error` for `span.recordException`, with its stack text read without formatting the error's own
 * stack. V8 formats an error's stack once, at the first read of `error.stack`, and keeps only the
 * text: Node then cannot tell where an error that became a fatal unhandled rejection was thrown,
 * and prints `node:internal/process/promises:391 triggerUncaughtException(err, true)` instead of
 * the application's line with its caret. Recording a rejection's exception did that to every
 * process that died of one inside `withSpan`.
 *
 * The text is taken from V8's own formatting call: `Error.prepareStackTrace` for this one read
 * formats the frames (as the application's `prepareStackTrace`, if it set one, or as Node does),
 * then throws, and V8 keeps the frames unformatted when formatting throws. With
 * `--enable-source-maps` Node's formatting cannot be called, and under
 * `--abort-on-uncaught-exception` V8 takes that throw (through the native stack getter) for an
 * uncaught one and aborts: in both the stack is read as it always was. Only for a rejection: a
 * synchronous throw's location is kept when it is thrown, whoever reads the stack later.
 */
export function withUnreadStack(error: Error): Exception {
  if (process.sourceMapsEnabled || abortsOnUncaught()) return error;
  const descriptor = Object.getOwnPropertyDescriptor(Error, 'prepareStackTrace');
  // A getter, or a property that cannot be replaced: not ours to touch.
  if (
    descriptor === undefined ? !Object.isExtensible(Error) : !('value' in descriptor) || !descriptor.writable
  )
    return error;
  const previous = descriptor?.value as typeof Error.prepareStackTrace;
  let text: unknown;
  let stack: unknown;
  Error.prepareStackTrace = (target, frames) => {
    const formatted = typeof previous === 'function' ? previous(target, frames) : nodeFormat(target, frames);
    if (target !== error) return formatted;
    text = formatted;
    throw PEEKED;
  };
  try {
    stack = error.stack;
  } catch (thrown) {
    if (thrown !== PEEKED) throw thrown;
    stack = text;
  } finally {
    if (descriptor === undefined) Reflect.deleteProperty(Error, 'prepareStackTrace');
    else Object.defineProperty(Error, 'prepareStackTrace', descriptor);
  }
  // Read through `error` for everything else (code, name, message, getters and all).
  return Object.create(error, { stack: { value: stack } }) as Exception;
}

/** Node's formatting without source maps (lib/internal/errors.js, prepareStackTraceCallback). */
function nodeFormat(error: Error, frames: NodeJS.CallSite[]): string {
  const head = Error.prototype.toString.call(error);
  return frames.length === 0 ? head : `${head}\n    at ${frames.join('\n    at ')}`;
}

let aborts: boolean | undefined;
function abortsOnUncaught(): boolean {
  aborts ??= [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) =>
    /--abort[-_]on[-_]uncaught[-_]exception/.test(arg),
  );
  return aborts;
}
