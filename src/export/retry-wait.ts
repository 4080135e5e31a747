import { RetryBeyondDeadlineError } from './export-errors.js';
import { askedRetryDelay } from './otlp/retry-delay.js';

/** The backoff of a retried export call: the retrying exporter's, and the exit sender's. */
export interface Backoff {
  /** Cap of the first backoff, ms; each retry doubles it (full jitter: the wait is random in [0, cap]). */
  readonly initialMillis: number;
  /** Largest cap, ms. */
  readonly maxMillis: number;
  /** Largest cap when the collector says it is overloaded (gRPC 8, HTTP 429), ms. */
  readonly maxThrottledMillis: number;
  /** Random source in [0, 1). */
  readonly random: () => number;
}

// A retry needs at least this much time left to be worth starting.
export const MIN_ATTEMPT_MILLIS = 50;
// Floor for a fully jittered wait, so a dead collector is not hammered in a tight loop.
const MIN_BACKOFF_MILLIS = 10;

/**
 * What to do after retryable failure number `attempt` (from 0) of a call that must be done by
 * `deadline`: wait `delay` ms and try again, or stop with `error` (the failure itself, or, when
 * the collector asked for a wait that does not fit, a RetryBeyondDeadlineError naming it). The
 * wait the collector asked for (HTTP `Retry-After`, gRPC RetryInfo) replaces the backoff, as the
 * OTLP spec says ("Throttling").
 */
export function retryWait(
  error: unknown,
  attempt: number,
  deadline: number,
  backoff: Backoff,
  timeout: { readonly millis: number; readonly name?: string },
): { readonly delay: number; readonly asked: boolean } | { readonly error: unknown } {
  const asked = askedRetryDelay(error);
  const delay =
    asked !== undefined && asked > 0
      ? Math.max(MIN_BACKOFF_MILLIS, asked)
      : Math.max(MIN_BACKOFF_MILLIS, backoff.random() * cap(error, attempt, backoff));
  const left = deadline - Date.now();
  if (delay + MIN_ATTEMPT_MILLIS <= left) return { delay, asked: asked !== undefined && asked > 0 };
  if (asked === undefined || asked === 0) return { error };
  return { error: new RetryBeyondDeadlineError(asked, left, timeout.millis, error, timeout.name) };
}

/** Doubling from the initial cap, to the throttled maximum for a 429 or RESOURCE_EXHAUSTED. */
function cap(error: unknown, attempt: number, backoff: Backoff): number {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const max = code === 8 || code === 429 ? backoff.maxThrottledMillis : backoff.maxMillis;
  return Math.min(max, backoff.initialMillis * 2 ** attempt);
}
