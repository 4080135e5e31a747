/**
 * How many secrets one value has replaced one by one, and how many more it may. Past
 * {@link MAX_SECRETS_PER_VALUE}, the next secret found and everything after it in that value is
 * replaced whole (issue #20: bounded work per value). Each replaced secret costs a string piece
 * (~100 ns, and a rope V8 flattens later); 256 KB of `token=a&` holds 32,768 of them, ~3.6 ms of
 * string building alone, which no choice of algorithm brought under the 5 ms goal once the other
 * passes were added (bench/README.md, scrub group). No real value holds a thousand secrets; one
 * that does is an attack or a dump, and losing its tail is safer than spending the event loop.
 */
export const MAX_SECRETS_PER_VALUE = 1024;

export interface SecretBudget {
  /** Secrets this value may still replace one by one. */
  left: number;
  /** Set when a secret found the budget spent, so the rest of the value was replaced whole. */
  spent: boolean;
}

/** A fresh budget for one value. */
export function secretBudget(): SecretBudget {
  return { left: MAX_SECRETS_PER_VALUE, spent: false };
}

/** Makes `budget` fresh again, for the next value (the redactor reuses one: no allocation per value). */
export function restart(budget: SecretBudget): SecretBudget {
  budget.left = MAX_SECRETS_PER_VALUE;
  budget.spent = false;
  return budget;
}

/** Takes one secret from the budget: false when it is spent (the caller then replaces the rest). */
export function takeSecret(budget: SecretBudget): boolean {
  if (budget.left > 0) {
    budget.left--;
    return true;
  }
  budget.spent = true;
  return false;
}
