/**
 * Whether `value`, what a hook of the app's returned (a span processor's `onEnd`, a sampler's
 * `shouldSample`, a propagator's `inject`, an exporter's `export`), is a thenable; if so, `handler`
 * receives its rejection. The callers' interfaces return `void` or a plain value, so whatever an
 * `async` hook returns is otherwise dropped, and its rejection, unhandled, ends the process on
 * Node's default `--unhandled-rejections=throw`. A `then` that cannot be read or called (a getter
 * that throws, a revoked Proxy) counts as none: such a value came from no `async` function.
 */
export function onRejection(value: unknown, handler: (error: unknown) => void): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  try {
    const then = (value as { then?: unknown }).then;
    if (typeof then !== 'function') return false;
    then.call(value, undefined, handler);
    return true;
  } catch {
    return false;
  }
}
