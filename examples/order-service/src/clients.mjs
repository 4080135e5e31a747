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
 * @typedef {{ id: string, name: string, email: string, tier: string }} User
 * @typedef {{ getUser(id: string): Promise<User> }} UserClient
 * @typedef {{ orderId: string, customerId: string, amount: number, currency: string }} Charge
 * @typedef {{ charge(charge: Charge): Promise<{ transactionId: string }> }} PaymentClient
 */

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
 * @param {string} baseUrl
 * @returns {PaymentClient}
 */
export function createPaymentClient(baseUrl) {
  return {
    async charge(charge) {
      const { status, body } = await requestJson(`${baseUrl}/payments`, { method: 'POST', body: charge });
      if (status === 402) throw new PaymentDeclinedError(body?.error ?? 'Payment declined');
      if (status !== 200) throw new DownstreamError(`payment-service answered ${status}`, status);
      return body;
    },
  };
}
