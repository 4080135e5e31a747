import { printable } from '../util/printable.js';

/** Durations as people read them: `0.42 ms`, `12.3 ms`, `245 ms`, `1.27 s`. */
export function formatDuration(ms: number): string {
  const value = Math.max(0, ms);
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 100) return `${value.toFixed(0)} ms`;
  if (value >= 10) return `${value.toFixed(1)} ms`;
  return `${value.toFixed(2)} ms`;
}

/**
 * A bar of `width` cells: blanks up to the span's offset, then `█` for its duration.
 * Every span gets at least one cell so instant spans stay visible.
 */
export function renderBar(offsetMs: number, durationMs: number, totalMs: number, width: number): string {
  const scale = totalMs > 0 ? width / totalMs : 0;
  const start = Math.min(width - 1, Math.max(0, Math.floor(offsetMs * scale)));
  const length = Math.min(width - start, Math.max(1, Math.round(durationMs * scale)));
  return ' '.repeat(start) + '█'.repeat(length) + ' '.repeat(width - start - length);
}

/** Cut `text` to `max` characters, marking the cut with `…`; control characters escaped (printable.ts). */
export function truncate(raw: string, max: number): string {
  const text = printable(raw);
  if (text.length <= max) return text;
  return max <= 1 ? '…' : `${text.slice(0, max - 1)}…`;
}

/**
 * One attribute value as `key=value` shows it: strings quoted only when they contain a space. An
 * array is read no further than is shown (a sparse `new Array(2 ** 32 - 1)` was joined whole: 78 s,
 * then RangeError), an array in it shows as `[…]` (one nested 100,000 deep overflowed the stack),
 * and a value whose `toString` throws as `?`.
 */
export function formatValue(value: unknown, max: number): string {
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length && text.length <= max; i++)
      text += `${i > 0 ? ',' : ''}${element(value[i])}`;
    return truncate(`${text}]`, max);
  }
  if (typeof value === 'string') {
    const cut = truncate(value.replace(/\s+/g, ' '), max);
    return /[\s=]/.test(cut) || cut === '' ? JSON.stringify(cut) : cut;
  }
  return truncate(element(value), max);
}

function element(value: unknown): string {
  if (Array.isArray(value)) return '[…]';
  try {
    return String(value);
  } catch {
    return '?';
  }
}

const CODES = { red: [31, 39], dim: [2, 22], bold: [1, 22], cyan: [36, 39], yellow: [33, 39] } as const;

export type Paint = (style: keyof typeof CODES, text: string) => string;

export function painter(color: boolean): Paint {
  if (!color) return (_style, text) => text;
  return (style, text) =>
    text === '' ? text : `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m`;
}

/**
 * Whether to colour output for `stream`: never when `NO_COLOR` is set to anything non-empty
 * (https://no-color.org), always when `FORCE_COLOR` is set to something other than `0`, else when it is a TTY.
 */
export function shouldColor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0';
  return stream.isTTY === true;
}
