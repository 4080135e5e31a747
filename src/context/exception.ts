import type { Exception } from '@opentelemetry/api';
import { textOf } from '../util/value-text.js';
import { withUnreadStack } from './unread-stack.js';

/**
 * What `span.recordException` is given for `error`: its code, name, message and stack, each read
 * once and guarded, as text (see textOf). Upstream's recordException reads them from the error
 * unguarded, and calls `code.toString()`: a getter that throws threw out of it, and a code or
 * message that is an array was joined whole (2 ** 32 - 1 sparse entries: 78 s). `rejected`: a
 * promise's rejection, whose stack is read without formatting it (unread-stack.ts). When neither a
 * type nor a message can be read, `unreadable` is the message, so that the event is still recorded
 * (upstream records none without one). Never throws.
 */
export function exceptionOf(error: object, rejected: boolean, unreadable: string): Exception {
  const exception: { code?: string | number; name?: string; message?: string; stack?: string } = {};
  const code = read(error, 'code');
  if (typeof code === 'string' || typeof code === 'number') exception.code = code;
  const name = text(read(error, 'name'));
  if (name !== undefined) exception.name = name;
  const message = text(read(error, 'message'));
  if (message !== undefined) exception.message = message;
  else if (exception.code === undefined && name === undefined) exception.message = unreadable;
  let stack: unknown;
  try {
    stack =
      rejected && error instanceof Error
        ? (withUnreadStack(error) as { stack?: unknown }).stack
        : read(error, 'stack');
  } catch {}
  const stackText = text(stack);
  if (stackText !== undefined) exception.stack = stackText;
  return exception as Exception;
}

function read(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return textOf(value, '?');
}
