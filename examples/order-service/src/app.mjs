import express from 'express';
import { PaymentDeclinedError, UnknownCustomerError } from './clients.mjs';
import { DownstreamError } from './http-client.mjs';

/**
 * The HTTP layer: validation and status mapping only.
 * @param {{ orders: ReturnType<typeof import('./orders.mjs').createOrderService>, logger: import('pino').Logger }} deps
 */
export function createApp({ orders, logger }) {
  const app = express();
  app.use(express.json());

  // Not traced: the library ignores /health by default.
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.post('/orders', async (req, res) => {
    const { customerId, items } = req.body ?? {};
    if (
      typeof customerId !== 'string' ||
      !Array.isArray(items) ||
      items.length === 0 ||
      !items.every(isItem)
    ) {
      res
        .status(400)
        .json({ error: 'expected {customerId: string, items: [{sku: string, quantity: number}]}' });
      return;
    }
    try {
      const result = await orders.create({ customerId, items });
      res.status(result.status).json(result.body);
    } catch (error) {
      const status = statusFor(error);
      logger.error({ err: error, customerId }, 'order failed');
      res.status(status).json({ error: error instanceof Error ? error.message : String(error) });
    }
  });

  app.get('/orders/:id', (req, res) => {
    const order = orders.get(req.params.id);
    if (order) res.json(order);
    else res.status(404).json({ error: 'Order not found' });
  });

  return app;
}

/** @param {unknown} item */
function isItem(item) {
  return (
    typeof item === 'object' &&
    item !== null &&
    typeof (/** @type {any} */ (item).sku) === 'string' &&
    Number.isInteger(/** @type {any} */ (item).quantity) &&
    /** @type {any} */ (item).quantity > 0
  );
}

/** @param {unknown} error */
function statusFor(error) {
  if (error instanceof UnknownCustomerError) return 422;
  if (error instanceof PaymentDeclinedError) return 402;
  if (error instanceof DownstreamError) return 502;
  return 500;
}
