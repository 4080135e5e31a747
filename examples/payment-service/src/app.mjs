import { STATUS_CODES } from 'node:http';
import express from 'express';
import { FraudDetectedError } from './payments.mjs';

/**
 * @param {{ payments: ReturnType<typeof import('./payments.mjs').createPaymentService>, logger: import('./logger.mjs').Logger }} deps
 */
export function createApp({ payments, logger }) {
  const app = express();
  app.use(express.json());

  // Not traced: the library ignores /health by default.
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.post('/payments', async (req, res) => {
    const { orderId, customerId, amount, currency } = req.body ?? {};
    if (
      typeof orderId !== 'string' ||
      typeof customerId !== 'string' ||
      typeof amount !== 'number' ||
      !(amount > 0) ||
      typeof currency !== 'string'
    ) {
      res
        .status(400)
        .json({ error: 'expected {orderId: string, customerId: string, amount: number, currency: string}' });
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
