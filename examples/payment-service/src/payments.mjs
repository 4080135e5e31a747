import { randomUUID } from 'node:crypto';
import { runDetached, withSpan } from '@acme/otel';

/** The fraud check refused the charge. */
export class FraudDetectedError extends Error {
  name = 'FraudDetectedError';
}

/**
 * @typedef {{ orderId: string, customerId: string, amount: number, currency: string }} PaymentRequest
 */

/**
 * @param {{ logger: import('./logger.mjs').Logger, fraudThreshold?: number, gatewayLatencyMs?: number, maxLedgerEntries?: number }} deps
 */
export function createPaymentService({
  logger,
  fraudThreshold = 10_000,
  gatewayLatencyMs = 10,
  maxLedgerEntries = 10_000,
}) {
  /**
   * A stand-in for the ledger database, kept in memory so the example runs alone. It holds the
   * latest `maxLedgerEntries` only: a copy left running must not grow until it runs out of memory.
   * @type {{ orderId: string, transactionId: string }[]}
   */
  const ledger = [];
  const pending = new Set();

  /**
   * @param {PaymentRequest} request
   * @returns {Promise<{ transactionId: string }>}
   */
  function process(request) {
    return withSpan(
      'ProcessPayment',
      async (span) => {
        const fraud = withSpan('fraud_detection', (check) => {
          const detected = request.amount > fraudThreshold;
          check.setAttribute('fraud.detected', detected);
          return detected;
        });
        if (fraud) {
          logger.warn(`payment for order ${request.orderId} refused: fraud suspected`);
          // withSpan records the exception and sets ERROR on ProcessPayment.
          throw new FraudDetectedError(`Payment declined: fraud suspected for order ${request.orderId}`);
        }

        const transactionId = await withSpan('payment_gateway_call', async (call) => {
          await new Promise((resolve) => setTimeout(resolve, gatewayLatencyMs));
          const id = `txn_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
          call.setAttribute('payment.transaction_id', id);
          return id;
        });
        span.setAttribute('payment.transaction_id', transactionId);
        logger.info(`payment ${transactionId} captured for order ${request.orderId}`);

        // Bookkeeping after the answer, in the same trace: it never delays or fails the payment.
        const task = runDetached(
          'record_ledger_entry',
          () => {
            ledger.push({ orderId: request.orderId, transactionId });
            if (ledger.length > maxLedgerEntries) ledger.shift();
          },
          { mode: 'child', attributes: { 'payment.transaction_id': transactionId } },
        );
        pending.add(task);
        task.finally(() => pending.delete(task));
        return { transactionId };
      },
      {
        attributes: {
          'order.id': request.orderId,
          'payment.amount': request.amount,
          'payment.currency': request.currency,
        },
      },
    );
  }

  return {
    process,
    ledger,
    /** Wait for fire-and-forget work (graceful shutdown, tests). */
    drain: () => Promise.allSettled([...pending]),
    /** How many fire-and-forget tasks are still running (logged when shutdown abandons them). */
    running: () => pending.size,
  };
}
