import { runDetached, withSpan } from '@acme/otel';
import { SpanStatusCode } from '@opentelemetry/api';
import { createCharge } from './charge.mjs';
import { createOrderAttempts } from './order-attempts.mjs';

/**
 * Result of {@link createOrderService}'s `create`: an HTTP status, the JSON body, and whether it
 * repeats the answer to an earlier request with the same Idempotency-Key.
 * @typedef {{ status: number, body: Record<string, unknown>, replayed?: boolean }} OrderResult
 * @typedef {import('./order-attempts.mjs').Attempt} Attempt
 * @typedef {{ customerId: string, items: import('./inventory.mjs').OrderItem[], idempotencyKey?: string }} OrderRequest
 */

/**
 * The order use case. Every step is a span; the HTTP layer only maps the result to a response.
 *
 * @param {{
 *   users: import('./clients.mjs').UserClient,
 *   payments: import('./clients.mjs').PaymentClient,
 *   inventory: ReturnType<typeof import('./inventory.mjs').createInventory>,
 *   logger: import('pino').Logger,
 *   currency?: string,
 *   maxOrders?: number,
 *   maxIdempotencyKeys?: number,
 * }} deps
 */
export function createOrderService({
  users,
  payments,
  inventory,
  logger,
  currency = 'EUR',
  maxOrders = 10_000,
  maxIdempotencyKeys = 10_000,
}) {
  /**
   * A stand-in for the order database, kept in memory so the example runs alone. It holds the
   * latest `maxOrders` only: a copy left running must not grow until the process runs out of memory.
   * @type {Map<string, Record<string, unknown>>}
   */
  const orders = new Map();
  /** Fire-and-forget work still running; awaited on shutdown. */
  const pending = new Set();
  const attempts = createOrderAttempts({ maxKeys: maxIdempotencyKeys });
  const charge = createCharge({ payments, logger });

  /**
   * A request with an Idempotency-Key the client already sent is answered with that request's
   * order, and waits for it while it runs: a retry after a lost answer orders and charges nothing
   * again (see order-attempts.mjs for when a key is freed).
   * @param {OrderRequest} request
   * @returns {Promise<OrderResult>}
   */
  async function create(request) {
    const begun = attempts.begin(request);
    const attributes = orderAttributes(begun.attempt.orderId, request);
    if (begun.replay) {
      const earlier = /** @type {Promise<OrderResult>} */ (begun.attempt.outcome);
      const result = await withSpan('create_order', () => earlier, {
        attributes: { ...attributes, 'order.replayed': true },
      });
      return { ...result, replayed: true };
    }
    return attempts.track(begun, place(begun.attempt, request, attributes));
  }

  /**
   * @param {Attempt} attempt
   * @param {OrderRequest} request
   * @param {Record<string, string | number>} attributes
   * @returns {Promise<OrderResult>}
   */
  function place(attempt, { customerId, items }, attributes) {
    const { orderId } = attempt;
    return withSpan(
      'create_order',
      async (span) => {
        const unavailable = withSpan('check_inventory', (check) => {
          const missing = inventory.unavailable(items);
          check.setAttribute('inventory.all_available', missing.length === 0);
          // Reserved in the same synchronous step as the check: while this order awaits its
          // neighbours, another one must not be sold the same stock.
          if (missing.length === 0) inventory.reserve(items);
          return missing;
        });
        if (unavailable.length > 0) {
          // A business outcome, not a crash: ERROR status for the trace, no exception.
          span.setStatus({ code: SpanStatusCode.ERROR, message: 'Out of stock' });
          logger.warn({ orderId, unavailable }, 'order rejected: out of stock');
          return { status: 409, body: { error: 'Out of stock', orderId, unavailable } };
        }

        // Failures below throw: withSpan records the exception and sets ERROR on create_order.
        const amount = inventory.price(items);
        let customer;
        let transactionId;
        try {
          customer = await users.getUser(customerId);
          ({ transactionId } = await charge(attempt, { orderId, customerId, amount, currency }));
        } catch (error) {
          inventory.release(items);
          throw error;
        }
        span.addEvent('payment_completed', {
          'payment.amount': amount,
          'payment.currency': currency,
          'payment.transaction_id': transactionId,
        });

        const order = {
          id: orderId,
          customerId,
          items,
          amount,
          currency,
          transactionId,
          status: 'confirmed',
        };
        withSpan('save_order', (save) => {
          save.setAttribute('order.id', orderId);
          orders.set(orderId, order);
          if (orders.size > maxOrders) orders.delete(/** @type {string} */ (orders.keys().next().value));
        });
        logger.info({ orderId, amount, currency }, 'order created');

        // The customer should not wait for the e-mail: it runs after the response, in the same trace.
        const task = runDetached(
          'send_order_confirmation',
          async () => {
            await new Promise((resolve) => setTimeout(resolve, 5)); // stands in for the mail call to customer.email
            // The id, not the address: an e-mail address is personal data, and log lines are kept and
            // read far more widely than the user database.
            logger.info({ orderId, customerId: customer.id }, 'order confirmation sent');
          },
          { mode: 'child', attributes: { 'order.id': orderId } },
        );
        pending.add(task);
        task.finally(() => pending.delete(task));

        return { status: 201, body: order };
      },
      { attributes },
    );
  }

  return {
    create,
    /** @param {string} id */
    get: (id) => orders.get(id),
    /** Wait for fire-and-forget work (graceful shutdown, tests). */
    drain: () => Promise.allSettled([...pending]),
    /** How many fire-and-forget tasks are still running (logged when shutdown abandons them). */
    running: () => pending.size,
  };
}

/**
 * @param {string} orderId
 * @param {OrderRequest} request
 */
function orderAttributes(orderId, { customerId, items }) {
  const itemCount = items.reduce((sum, item) => sum + item.quantity, 0);
  return { 'order.id': orderId, 'customer.id': customerId, 'order.item_count': itemCount };
}
