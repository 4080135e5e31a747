import { randomUUID } from 'node:crypto';
import { createIdempotencyStore } from './idempotency-store.mjs';

/** The client's Idempotency-Key was first used for another order. */
export class IdempotencyKeyReusedError extends Error {
  name = 'IdempotencyKeyReusedError';
}

/**
 * One order attempt. `paymentKey` is the Idempotency-Key its payment is sent with: generated here,
 * so the client's key never leaves this service. `paymentMayStand`: its payment's outcome is
 * unknown and could not be voided.
 * @typedef {{
 *   fingerprint: string,
 *   orderId: string,
 *   paymentKey: string,
 *   paymentMayStand?: boolean,
 *   outcome?: Promise<{ status: number }>,
 * }} Attempt
 */

/**
 * The clients' Idempotency-Keys (`POST /orders`), each scoped to its customer: another customer's
 * key of the same value is another order, and must not be answered with this one.
 * @param {{ maxKeys: number, ttlMs?: number }} options
 */
export function createOrderAttempts({ maxKeys, ttlMs = 24 * 60 * 60 * 1000 }) {
  /** @type {ReturnType<typeof createIdempotencyStore<Attempt>>} */
  const attempts = createIdempotencyStore({ maxEntries: maxKeys, ttlMs });

  return {
    /**
     * The attempt for a request: a new one, or the one an earlier request with the same key made.
     * `replay`: that one has an outcome (running or an order) to answer with instead of ordering again.
     * @param {{ customerId: string, items: { sku: string, quantity: number }[], idempotencyKey?: string | undefined }} request
     * @returns {{ attempt: Attempt, replay: boolean, scope?: string }}
     */
    begin({ customerId, items, idempotencyKey }) {
      // What the order is, not how the body spelled it: a retry that lists a line's fields in
      // another order is the same request.
      const fingerprint = JSON.stringify(items.map(({ sku, quantity }) => [sku, quantity]));
      if (idempotencyKey === undefined) return { attempt: newAttempt(fingerprint), replay: false };
      const scope = JSON.stringify([customerId, idempotencyKey]);
      const earlier = attempts.get(scope);
      if (earlier && earlier.fingerprint !== fingerprint)
        throw new IdempotencyKeyReusedError('Idempotency-Key already used for another order');
      if (earlier) return { attempt: earlier, replay: earlier.outcome !== undefined, scope };
      const attempt = newAttempt(fingerprint);
      attempts.set(scope, attempt);
      return { attempt, replay: false, scope };
    },

    /**
     * Keep `outcome` for the key's repeats while it runs, and after if it is an order. Any other
     * outcome frees the key for a retry (stock may come back; a refusal is asked again), except a
     * failure whose payment may stand: the retry then runs under the same order id and payment key,
     * which payment-service charges at most once.
     * @template {{ status: number }} T
     * @param {{ attempt: Attempt, scope?: string }} begun
     * @param {Promise<T>} outcome
     */
    track({ attempt, scope }, outcome) {
      attempt.outcome = outcome;
      const forget = () => {
        if (scope !== undefined && attempts.get(scope) === attempt) attempts.delete(scope);
      };
      outcome.then(
        (result) => result.status !== 201 && forget(),
        () => {
          if (attempt.paymentMayStand) attempt.outcome = undefined;
          else forget();
        },
      );
      return outcome;
    },
  };
}

/** @param {string} fingerprint @returns {Attempt} */
function newAttempt(fingerprint) {
  return { fingerprint, orderId: `ord-${randomUUID().slice(0, 8)}`, paymentKey: randomUUID() };
}
