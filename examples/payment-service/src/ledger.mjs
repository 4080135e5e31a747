import { runDetached } from '@acme/otel';

/** @typedef {{ orderId: string, transactionId: string, type: 'capture' | 'refund' }} LedgerEntry */

/**
 * A stand-in for the ledger database, kept in memory so the example runs alone. It holds the
 * latest `maxEntries` only: a copy left running must not grow until it runs out of memory.
 * @param {{ maxEntries: number }} options
 */
export function createLedger({ maxEntries }) {
  /** @type {LedgerEntry[]} */
  const entries = [];
  const pending = new Set();

  return {
    entries,
    /**
     * Bookkeeping after the answer, in the same trace: it never delays or fails the payment.
     * @param {LedgerEntry} entry
     */
    book(entry) {
      const task = runDetached(
        'record_ledger_entry',
        () => {
          entries.push(entry);
          if (entries.length > maxEntries) entries.shift();
        },
        { mode: 'child', attributes: { 'payment.transaction_id': entry.transactionId } },
      );
      pending.add(task);
      task.finally(() => pending.delete(task));
    },
    /** Wait for fire-and-forget work (graceful shutdown, tests). */
    drain: () => Promise.allSettled([...pending]),
    /** How many fire-and-forget tasks are still running (logged when shutdown abandons them). */
    running: () => pending.size,
  };
}
