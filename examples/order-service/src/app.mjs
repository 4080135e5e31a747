import { STATUS_CODES } from 'node:http';
import express from 'express';
import { PaymentDeclinedError, UnknownCustomerError } from './clients.mjs';
import { DownstreamError } from './http-client.mjs';
import { IdempotencyKeyReusedError } from './order-attempts.mjs';

/**
 * The HTTP layer: validation and status mapping only.
 * @param {{ orders: ReturnType<typeof import('./orders.mjs').createOrderService>, logger: import('pino').Logger }} deps
 */
export function createApp({ orders, logger }) {
  const app = express();
  // `X-Powered-By: Express` tells every scanner which framework (and so which advisories) to try.
  app.disable('x-powered-by');
  app.use(express.json());

  // Not traced: the library ignores /health by default.
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // An optional Idempotency-Key (a UUID per order the client places, kept for its retries): a
  // repeat is answered with the first request's order, with `Idempotent-Replayed: true`.
  app.post('/orders', async (req, res) => {
    const { customerId, items } = req.body ?? {};
    const idempotencyKey = req.get('idempotency-key');
    if (idempotencyKey !== undefined && !KEY.test(idempotencyKey)) {
      res
        .status(400)
        .json({ error: 'expected an Idempotency-Key of 1-255 printable ASCII characters, no spaces' });
      return;
    }
    if (
      !isId(customerId) ||
      !Array.isArray(items) ||
      items.length === 0 ||
      items.length > MAX_ITEMS ||
      !items.every(isItem)
    ) {
      res.status(400).json({
        error: `expected {customerId: id, items: [{sku: id, quantity: 1-${MAX_QUANTITY}}], 1-${MAX_ITEMS} items}; an id is 1-128 letters, digits and _ . : @ -, starting with a letter, digit or _`,
      });
      return;
    }
    try {
      const result = await orders.create({
        customerId,
        items,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      });
      if (result.replayed) res.set('idempotent-replayed', 'true');
      res.status(result.status).json(result.body);
    } catch (error) {
      const status = statusFor(error);
      const message = error instanceof Error ? error.message : String(error);
      // An unknown customer or a declined payment is an answer, not a fault: at error level it
      // would page someone for every declined card. Only faults (5xx) are errors.
      if (status < 500) logger.warn({ customerId, status, reason: message }, 'order rejected');
      else logger.error({ err: error, customerId }, 'order failed');
      // 422 and 402 tell the caller something to act on; a 502's or 500's message names our
      // neighbours' URLs and internals, which the log line and the trace already hold.
      res.status(status).json({ error: status >= 500 ? STATUS_CODES[status] : message });
    }
  });

  app.get('/orders/:id', (req, res) => {
    const order = orders.get(req.params.id);
    if (order) res.json(order);
    else res.status(404).json({ error: 'Order not found' });
  });

  // Last: without it express answers a malformed or oversized body (and any error passed to
  // next) with an HTML page holding the stack trace unless NODE_ENV=production.
  app.use(
    (/** @type {any} */ error, /** @type {any} */ _req, /** @type {any} */ res, /** @type {any} */ _next) => {
      const status = error?.status >= 400 && error.status < 500 ? error.status : 500;
      if (status === 500) logger.error({ err: error }, 'request failed');
      res.status(status).json({ error: STATUS_CODES[status] });
    },
  );

  return app;
}

const MAX_ITEMS = 100;
const MAX_QUANTITY = 10_000;
// An id goes into a neighbour's URL path, span attributes and log lines: bounded, and never `.` or
// `..`, which the URL would resolve (`/users/..` is `/`, another endpoint of the neighbour). An
// unbounded one was forwarded whole: over Node's 16 kB header limit the neighbour answered 431
// and the caller's own mistake came back as a 502, logged as a fault.
const ID = /^\w[\w.:@-]{0,127}$/;
// Kept in memory for a day: bounded, and printable with no spaces (a header sent twice is joined
// with ", " and so refused, rather than taken for a third key).
const KEY = /^[\x21-\x7e]{1,255}$/;

/** @param {unknown} value */
function isId(value) {
  return typeof value === 'string' && ID.test(value);
}

/** @param {unknown} item */
function isItem(item) {
  if (typeof item !== 'object' || item === null) return false;
  const { sku, quantity } = /** @type {{ sku?: unknown, quantity?: unknown }} */ (item);
  return isId(sku) && Number.isInteger(quantity) && Number(quantity) > 0 && Number(quantity) <= MAX_QUANTITY;
}

/** @param {unknown} error */
function statusFor(error) {
  if (error instanceof UnknownCustomerError || error instanceof IdempotencyKeyReusedError) return 422;
  if (error instanceof PaymentDeclinedError) return 402;
  if (error instanceof DownstreamError) return 502;
  return 500;
}
