/** Thrown by `expectSpan` when no finished span matches. The message lists what was expected and what is there. */
export class SpanAssertionError extends Error {
  override name = 'SpanAssertionError';
}

/** Type guard for {@link SpanAssertionError}, safe across duplicated package copies; never throws. */
export function isSpanAssertionError(error: unknown): error is SpanAssertionError {
  // A revoked Proxy, or an error whose `name` getter throws, is not one (this runs in catch blocks).
  try {
    return (
      error instanceof SpanAssertionError || (error instanceof Error && error.name === 'SpanAssertionError')
    );
  } catch {
    return false;
  }
}
