import { STATUS_CODES } from 'node:http';
import express from 'express';
import { FraudDetectedError } from './payments.mjs';

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

  app.post('/payments', async (req, res) => {
    const { orderId, customerId, amount, currency } = req.body ?? {};
    if (
      !isId(orderId) ||
      !isId(customerId) ||
      typeof amount !== 'number' ||
      !(amount > 0) ||
      typeof currency !== 'string' ||
      !CURRENCY.test(currency)
    ) {
      res.status(400).json({
        error: `expected {orderId: id, customerId: id, amount: number > 0, currency: ISO 4217 code}; an id is 1-128 letters, digits and _ . : @ -, starting with a letter, digit or _`,
      });
      return;
    }
    try {
      res.json(await payments.process({ orderId, customerId, amount, currency }));
    } catch (error) {
      if (error instanceof FraudDetectedError) {
        res.status(402).json({ error: error.message });
        return;
      }
      logger.error(`payment failed: ${error instanceof Error ? error.message : String(error)}`);
      res.status(500).json({ error: 'Internal error' });
    }
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

/** @param {unknown} value */
function isId(value) {
  return typeof value === 'string' && ID.test(value);
}
