/** Thrown by `expectSpan` when no finished span matches. The message lists what was expected and what is there. */
export class SpanAssertionError extends Error {
  override name = 'SpanAssertionError';
}

/** Type guard for {@link SpanAssertionError}, safe across duplicated package copies. */
export function isSpanAssertionError(error: unknown): error is SpanAssertionError {
  return (
    error instanceof SpanAssertionError || (error instanceof Error && error.name === 'SpanAssertionError')
  );
}
