/**
 * `12345` → `12,345`, as `Intl.NumberFormat('en-US')` writes a count. Not Intl itself (nor
 * `toLocaleString('en-US')`, which goes through it): creating a NumberFormat loads ICU's locale
 * data, ~15 ms, and the modules that write counts are loaded at start-up.
 */
export function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
