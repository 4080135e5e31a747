import { STATUS_CODES } from 'node:http';
import express from 'express';
import { FraudDetectedError, IdempotencyConflictError, PaymentVoidedError } from './payments.mjs';

/**
 * @param {{ payments: ReturnType<typeof import('./payments.mjs').createPaymentService>, logger: import('./logger.mjs').Logger }} deps
 */
export function createApp({ payments, logger }) {
  const app = express();
  // `X-Powered-By: Express` tells every scanner which framework (and so which advisories) to try.
  app.disable('x-powered-by');
  app.use(express.json());

  // Not traced: the library ignores /health by default.
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // A payment is taken only with an Idempotency-Key: the caller's retry of a call whose answer it
  // lost (its timeout, a reset connection) is then answered with the first outcome, not charged again.
  app.post('/payments', async (req, res) => {
    const { orderId, customerId, amount, currency } = req.body ?? {};
    const key = req.get('idempotency-key');
    if (
      !isKey(key) ||
      !isId(orderId) ||
      !isId(customerId) ||
      typeof amount !== 'number' ||
      !(amount > 0) ||
      typeof currency !== 'string' ||
      !CURRENCY.test(currency)
    ) {
      res.status(400).json({
        error: `expected an Idempotency-Key header (${KEY_RULE}) and {orderId: id, customerId: id, amount: number > 0, currency: ISO 4217 code}; an id is 1-128 letters, digits and _ . : @ -, starting with a letter, digit or _`,
      });
      return;
    }
    try {
      res.json(await payments.process({ orderId, customerId, amount, currency }, key));
    } catch (error) {
      const status = statusFor(error);
      if (status === 422) logger.warn(`payment for order ${orderId} refused: ${error.message}`);
      if (status === 500)
        logger.error(`payment failed: ${error instanceof Error ? error.message : String(error)}`);
      res.status(status).json({ error: status === 500 ? 'Internal error' : error.message });
    }
  });

  // The caller gave up on a payment (its timeout): no charge may stand under that key.
  app.post('/payments/void', (req, res) => {
    const key = req.get('idempotency-key');
    if (!isKey(key)) {
      res.status(400).json({ error: `expected an Idempotency-Key header (${KEY_RULE})` });
      return;
    }
    res.json(payments.void(key));
  });

  // What the ledger holds for an order: to reconcile one whose payment outcome its caller never learned.
  app.get('/payments', (req, res) => {
    const { orderId } = req.query;
    if (!isId(orderId)) {
      res.status(400).json({ error: 'expected ?orderId=id' });
      return;
    }
    res.json({ orderId, entries: payments.ledger.filter((entry) => entry.orderId === orderId) });
  });

  // Last: without it express answers a malformed or oversized body (and any error passed to
  // next) with an HTML page holding the stack trace unless NODE_ENV=production.
  app.use(
    (/** @type {any} */ error, /** @type {any} */ _req, /** @type {any} */ res, /** @type {any} */ _next) => {
      const status = error?.status >= 400 && error.status < 500 ? error.status : 500;
      if (status === 500)
        logger.error(`request failed: ${error instanceof Error ? error.message : String(error)}`);
      res.status(status).json({ error: STATUS_CODES[status] });
    },
  );

  return app;
}

// Every field goes into span attributes and log lines: bounded, so a caller cannot write 100 kB
// into each (express.json's limit is all that bounded them).
const ID = /^\w[\w.:@-]{0,127}$/;
const CURRENCY = /^[A-Z]{3}$/;
// Kept in memory for a day per key: bounded, and printable (no spaces: a repeated header is joined
// with ", " and so refused rather than taken for another key).
const KEY = /^[\x21-\x7e]{1,255}$/;
const KEY_RULE = '1-255 printable ASCII characters, no spaces';

/** @param {unknown} value */
function isId(value) {
  return typeof value === 'string' && ID.test(value);
}

/** @param {unknown} value @returns {value is string} */
function isKey(value) {
  return typeof value === 'string' && KEY.test(value);
}

/** @param {unknown} error */
function statusFor(error) {
  if (error instanceof FraudDetectedError) return 402;
  if (error instanceof PaymentVoidedError) return 409;
  if (error instanceof IdempotencyConflictError) return 422;
  return 500;
}
