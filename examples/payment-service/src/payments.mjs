import { randomUUID } from 'node:crypto';
import { withSpan } from '@acme/otel';
import { createIdempotencyStore } from './idempotency-store.mjs';
import { createLedger } from './ledger.mjs';

/** The fraud check refused the charge. */
export class FraudDetectedError extends Error {
  name = 'FraudDetectedError';
}

/** The Idempotency-Key was first used for another payment (another order, customer or amount). */
export class IdempotencyConflictError extends Error {
  name = 'IdempotencyConflictError';
}

/** The caller voided this Idempotency-Key: nothing is charged under it any more. */
export class PaymentVoidedError extends Error {
  name = 'PaymentVoidedError';
}

/**
 * @typedef {{ orderId: string, customerId: string, amount: number, currency: string }} PaymentRequest
 * @typedef {{
 *   state: 'pending' | 'captured' | 'declined' | 'voided',
 *   fingerprint?: string,
 *   orderId?: string,
 *   transactionId?: string,
 *   outcome?: Promise<{ transactionId: string }>,
 * }} KeyRecord what one Idempotency-Key's request did; `fingerprint` is unset on a void that came first
 */

/**
 * @param {{
 *   logger: import('./logger.mjs').Logger,
 *   fraudThreshold?: number,
 *   gatewayLatencyMs?: number,
 *   maxLedgerEntries?: number,
 *   maxKeys?: number,
 *   keyTtlMs?: number,
 * }} deps
 */
export function createPaymentService({
  logger,
  fraudThreshold = 10_000,
  gatewayLatencyMs = 10,
  maxLedgerEntries = 10_000,
  maxKeys = 10_000,
  keyTtlMs = 24 * 60 * 60 * 1000,
}) {
  const ledger = createLedger({ maxEntries: maxLedgerEntries });
  const { book } = ledger;
  /** @type {ReturnType<typeof createIdempotencyStore<KeyRecord>>} */
  const keys = createIdempotencyStore({ maxEntries: maxKeys, ttlMs: keyTtlMs });

  /**
   * Charge once per `key`: a repeat (the caller's retry, a request still running) is answered with
   * the first one's outcome, a transaction id or the same refusal, and charges nothing.
   * @param {PaymentRequest} request
   * @param {string} key the caller's Idempotency-Key: never on a span or in a log line
   * @returns {Promise<{ transactionId: string }>}
   */
  function process(request, key) {
    return withSpan(
      'ProcessPayment',
      async (span) => {
        const fingerprint = JSON.stringify([
          request.orderId,
          request.customerId,
          request.amount,
          request.currency,
        ]);
        const seen = keys.get(key);
        if (seen) {
          span.setAttribute('payment.replayed', true);
          if (seen.fingerprint !== undefined && seen.fingerprint !== fingerprint)
            throw new IdempotencyConflictError('Idempotency-Key already used for another payment');
          if (seen.state === 'voided' || !seen.outcome) throw voided(request.orderId);
          const result = await seen.outcome;
          span.setAttribute('payment.transaction_id', result.transactionId);
          return result;
        }
        /** @type {KeyRecord} */
        const record = { state: 'pending', fingerprint, orderId: request.orderId };
        keys.set(key, record);
        // Kept even if it fails: a failure at the gateway may have charged, so its repeat is told
        // the same (and its caller voids the key).
        record.outcome = capture(request, record);
        const result = await record.outcome;
        span.setAttribute('payment.transaction_id', result.transactionId);
        return result;
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

  /**
   * @param {PaymentRequest} request
   * @param {KeyRecord} record
   */
  async function capture(request, record) {
    const fraud = withSpan('fraud_detection', (check) => {
      const detected = request.amount > fraudThreshold;
      check.setAttribute('fraud.detected', detected);
      return detected;
    });
    if (fraud) {
      record.state = 'declined';
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
    record.transactionId = transactionId;
    book({ orderId: request.orderId, transactionId, type: 'capture' });
    // The caller gave up and voided the key while the gateway charged: give the money back.
    if (/** @type {KeyRecord['state']} */ (record.state) === 'voided') {
      refund(request.orderId, transactionId);
      throw voided(request.orderId);
    }
    record.state = 'captured';
    logger.info(`payment ${transactionId} captured for order ${request.orderId}`);
    return { transactionId };
  }

  /**
   * The caller stopped waiting for `key`'s payment (its timeout) and will not record the order: no
   * charge may stand under it. A captured one is refunded, one still at the gateway is refunded
   * when the gateway answers, and a key not seen yet is voided before its payment arrives.
   * Idempotent: a repeat changes nothing.
   * @param {string} key
   */
  function voidPayment(key) {
    return withSpan('VoidPayment', (span) => {
      const record = keys.get(key);
      logger.info(`payment for order ${record?.orderId ?? '(not received yet)'} voided by the caller`);
      if (!record) {
        keys.set(key, { state: 'voided' });
        return { status: 'voided' };
      }
      if (record.orderId) span.setAttribute('order.id', record.orderId);
      if (record.state === 'captured' && record.orderId && record.transactionId) {
        refund(record.orderId, record.transactionId);
      }
      // A declined payment charged nothing, and its repeats are still told so.
      if (record.state !== 'declined') record.state = 'voided';
      return { status: 'voided' };
    });
  }

  /**
   * @param {string} orderId
   * @param {string} transactionId
   */
  function refund(orderId, transactionId) {
    withSpan('payment_gateway_refund', (call) => call.setAttribute('payment.transaction_id', transactionId));
    book({ orderId, transactionId, type: 'refund' });
    logger.warn(`payment ${transactionId} for order ${orderId} refunded: voided by the caller`);
  }

  /** @param {string} orderId */
  function voided(orderId) {
    return new PaymentVoidedError(`Payment for order ${orderId} was voided`);
  }

  return {
    process,
    void: voidPayment,
    ledger: ledger.entries,
    drain: ledger.drain,
    running: ledger.running,
  };
}
