/** Prices in EUR and stock levels; a real service would ask an inventory system. */
export const CATALOG = Object.freeze({
  'SKU-BOOK': { price: 25, stock: 100 },
  'SKU-LAMP': { price: 80, stock: 20 },
  'SKU-WATCH': { price: 12_500, stock: 5 },
  'SKU-RARE': { price: 400, stock: 0 },
});

/**
 * @typedef {{ sku: string, quantity: number }} OrderItem
 */

/**
 * @param {Record<string, { price: number, stock: number }>} [catalog]
 */
export function createInventory(catalog = CATALOG) {
  const stock = new Map(Object.entries(catalog).map(([sku, entry]) => [sku, entry.stock]));
  return {
    /**
     * @param {OrderItem[]} items
     * @returns {string[]} the SKUs that cannot be served
     */
    unavailable(items) {
      // Per SKU, not per line: two lines of the same SKU must not each pass against the same stock.
      /** @type {Map<string, number>} */
      const wanted = new Map();
      for (const item of items) wanted.set(item.sku, (wanted.get(item.sku) ?? 0) + item.quantity);
      return [...wanted].filter(([sku, quantity]) => (stock.get(sku) ?? 0) < quantity).map(([sku]) => sku);
    },
    /** @param {OrderItem[]} items */
    price(items) {
      return items.reduce((sum, item) => sum + (catalog[item.sku]?.price ?? 0) * item.quantity, 0);
    },
    /** @param {OrderItem[]} items */
    reserve(items) {
      for (const item of items) stock.set(item.sku, (stock.get(item.sku) ?? 0) - item.quantity);
    },
    /** Give back what {@link reserve} took (the order failed after it). @param {OrderItem[]} items */
    release(items) {
      for (const item of items) stock.set(item.sku, (stock.get(item.sku) ?? 0) + item.quantity);
    },
  };
}
