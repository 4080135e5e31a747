import { DownstreamError, requestJson } from './http-client.mjs';

/** The customer does not exist (user-service answered 404). */
export class UnknownCustomerError extends Error {
  name = 'UnknownCustomerError';
}

/** payment-service refused the charge (402). */
export class PaymentDeclinedError extends Error {
  name = 'PaymentDeclinedError';
}

/**
 * payment-service did not say whether it charged: no answer within the timeout, the connection lost
 * after the request went out, or a 5xx. The charge may have been taken all the same.
 */
export class PaymentOutcomeUnknownError extends DownstreamError {
  name = 'PaymentOutcomeUnknownError';
}

/**
 * @typedef {{ id: string, name: string, email: string, tier: string }} User
 * @typedef {{ getUser(id: string): Promise<User> }} UserClient
 * @typedef {{ orderId: string, customerId: string, amount: number, currency: string }} Charge
 * @typedef {{
 *   charge(charge: Charge, idempotencyKey: string): Promise<{ transactionId: string }>,
 *   void(idempotencyKey: string): Promise<void>,
 * }} PaymentClient
 */

/** A void is small and must not hold the caller's answer long after its payment already timed out. */
const VOID_TIMEOUT_MS = 2000;

/**
 * @param {string} baseUrl
 * @returns {UserClient}
 */
export function createUserClient(baseUrl) {
  return {
    async getUser(id) {
      const { status, body } = await requestJson(`${baseUrl}/users/${encodeURIComponent(id)}`);
      if (status === 404) throw new UnknownCustomerError(`Customer ${id} not found`);
      if (status !== 200) throw new DownstreamError(`user-service answered ${status}`, status);
      return body;
    },
  };
}

/**
 * Every charge carries an Idempotency-Key: payment-service answers a repeat of it with the first
 * outcome instead of charging again, and `void` makes sure no charge stands under it.
 * @param {string} baseUrl
 * @param {{ timeoutMs?: number }} [options] how long a charge may take, answer included
 * @returns {PaymentClient}
 */
export function createPaymentClient(baseUrl, { timeoutMs = 5000 } = {}) {
  return {
    async charge(charge, idempotencyKey) {
      const headers = { 'idempotency-key': idempotencyKey };
      let answer;
      try {
        answer = await requestJson(`${baseUrl}/payments`, {
          method: 'POST',
          body: charge,
          headers,
          timeoutMs,
        });
      } catch (error) {
        const code = /** @type {{ cause?: { code?: string } }} */ (error).cause?.code;
        // Refused before a byte was sent: nothing can have been charged.
        if (code === 'ECONNREFUSED' || !(error instanceof DownstreamError)) throw error;
        throw new PaymentOutcomeUnknownError(error.message, undefined, error.cause);
      }
      const { status, body } = answer;
      if (status === 402) throw new PaymentDeclinedError(body?.error ?? 'Payment declined');
      if (status >= 500) throw new PaymentOutcomeUnknownError(`payment-service answered ${status}`, status);
      if (status !== 200) throw new DownstreamError(`payment-service answered ${status}`, status);
      return body;
    },
    async void(idempotencyKey) {
      const { status } = await requestJson(`${baseUrl}/payments/void`, {
        method: 'POST',
        headers: { 'idempotency-key': idempotencyKey },
        timeoutMs: VOID_TIMEOUT_MS,
      });
      if (status !== 200) throw new DownstreamError(`payment-service answered ${status} to a void`, status);
    },
  };
}
