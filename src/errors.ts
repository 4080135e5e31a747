/**
 * Thrown by {@link initTracing} when an option passed in code is invalid.
 * Environment variables never throw: they warn once and fall back.
 *
 * @example
 * try { initTracing({ sampleRatio: 2 }) } catch (err) { if (isTracingConfigError(err)) console.error(err.option) }
 */
export class TracingConfigError extends Error {
  override name = 'TracingConfigError';
  /** The option path, e.g. `sampleRatio` or `batch.maxQueueSize`. */
  readonly option: string;
  /** The value that was given. */
  readonly value: unknown;

  constructor(option: string, value: unknown, allowed: string) {
    super(`[@acme/otel] invalid option ${option}=${formatValue(value)}: ${allowed}`);
    this.option = option;
    this.value = value;
  }
}

/** Type guard for {@link TracingConfigError}, safe across duplicated package copies. */
export function isTracingConfigError(error: unknown): error is TracingConfigError {
  return (
    error instanceof TracingConfigError || (error instanceof Error && error.name === 'TracingConfigError')
  );
}

/** An error's message for a log line; never throws, whatever was thrown. */
export function errorMessage(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unprintable error';
  }
}

export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
