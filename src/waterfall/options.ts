import { quoted } from '../util/quote.js';
import type { WaterfallOptions } from './types.js';

type NumberOption = 'barWidth' | 'maxNameWidth' | 'maxValueLength';

/**
 * The least and most each number option can be, and what a value that is no number gets. A bar is
 * built whole for every row whatever the spans hold: `barWidth: 1e9` (or `2 ** 31`, `Infinity`)
 * made `' '.repeat()` throw RangeError, and 1e8 built a 100 MB row per span. The name column and
 * the values are only as wide as what they show, so they need no most. A value that is no number
 * (NaN, a string) gives every comparison `false`: names and values showed as `…`, bars as nothing.
 */
const BOUNDS: Readonly<Record<NumberOption, { min: number; max: number; fallback: number }>> = {
  barWidth: { min: 10, max: 1000, fallback: 40 },
  maxNameWidth: { min: 10, max: Number.POSITIVE_INFINITY, fallback: 50 },
  maxValueLength: { min: 1, max: Number.POSITIVE_INFINITY, fallback: 48 },
};

/** The number options as the render uses them, and a line for each that was not used as given. */
export interface RenderNumbers {
  readonly barWidth: number;
  readonly maxNameWidth: number;
  readonly maxValueLength: number;
  /** `barWidth=1000000000 was given, but it is more than 1000, using 1000`, one per option. */
  readonly replaced: readonly string[];
}

/** {@link WaterfallOptions}' numbers kept within {@link BOUNDS}; never throws. */
export function renderNumbers(options: WaterfallOptions): RenderNumbers {
  const replaced: string[] = [];
  const read = (name: NumberOption): number => {
    const { min, max, fallback } = BOUNDS[name];
    const value: unknown = options[name];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || Number.isNaN(value)) {
      replaced.push(`${name}=${shown(value)} was given, but it is no number, using ${fallback}`);
      return fallback;
    }
    // Whole cells: a fraction is dropped silently, as String.prototype.repeat drops it.
    const used = Math.min(max, Math.max(min, Math.floor(value)));
    if (value > max) replaced.push(`${name}=${value} was given, but it is more than ${max}, using ${used}`);
    else if (value < min)
      replaced.push(`${name}=${value} was given, but it is less than ${min}, using ${used}`);
    return used;
  };
  return {
    barWidth: read('barWidth'),
    maxNameWidth: read('maxNameWidth'),
    maxValueLength: read('maxValueLength'),
    replaced,
  };
}

function shown(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return quoted(value);
  return `(${value === null ? 'null' : typeof value})`;
}
