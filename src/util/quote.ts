/**
 * The most characters of one given value (an option, a variable, a key, a name) a warning or an
 * error quotes. A line is cut at 8,192 characters (diag/log.ts), and a value quoted whole cut the
 * reason after it: `OTEL_RESOURCE_ATTRIBUTES` with a 100 KB entry printed 8 KB of it and never
 * said what was wrong or what was used instead.
 */
export const MAX_QUOTED = 200;

/** `text` as a JSON string, at most {@link MAX_QUOTED} characters of it, then how many more there were. */
export function quoted(text: string, max = MAX_QUOTED): string {
  return text.length <= max
    ? JSON.stringify(text)
    : `${JSON.stringify(text.slice(0, max))}… (${text.length - max} more characters)`;
}

/** `text` unquoted, cut as {@link quoted} cuts it. */
export function cut(text: string, max = MAX_QUOTED): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
