import { PaymentOutcomeUnknownError } from './clients.mjs';
import { DownstreamError } from './http-client.mjs';

/** @typedef {import('./order-attempts.mjs').Attempt} Attempt */

/**
 * The payment step of an order attempt: no charge may stand for an order answered with an error.
 * @param {{ payments: import('./clients.mjs').PaymentClient, logger: import('pino').Logger }} deps
 */
export function createCharge({ payments, logger }) {
  /**
   * Charge under the attempt's payment key. When payment-service does not say whether it charged
   * (this side's timeout, a connection lost, a 5xx), the order is answered with an error, so no
   * charge may stand: the key is voided, which refunds a charge taken or landing later.
   * @param {Attempt} attempt
   * @param {import('./clients.mjs').Charge} request
   */
  async function charge(attempt, request) {
    try {
      return await payments.charge(request, attempt.paymentKey);
    } catch (error) {
      if (error instanceof PaymentOutcomeUnknownError) await voidPayment(attempt, request.orderId, error);
      // An answer from payment-service (a refusal) says where the key stands; a refused connection does not.
      else if (!(error instanceof DownstreamError && error.status === undefined))
        attempt.paymentMayStand = false;
      throw error;
    }
  }

  /**
   * @param {Attempt} attempt
   * @param {string} orderId
   * @param {Error} reason
   */
  async function voidPayment(attempt, orderId, reason) {
    try {
      await payments.void(attempt.paymentKey);
      attempt.paymentMayStand = false;
      logger.warn({ orderId, reason: reason.message }, 'payment outcome unknown: voided, no charge stands');
    } catch (error) {
      attempt.paymentMayStand = true;
      logger.error(
        { orderId, reason: reason.message, err: error },
        'payment outcome unknown and its void failed: reconcile with payment-service by order id',
      );
    }
  }

  return charge;
}
