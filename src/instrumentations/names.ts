import { quoted } from '../util/quote.js';
import { ALIASES, CATALOGUE } from './catalogue.js';

/** Short names of every instrumentation we know, e.g. `http`, `express`, `pg`. */
export const KNOWN_INSTRUMENTATIONS: readonly string[] = Object.freeze([...CATALOGUE.keys()]);

const UPSTREAM_PREFIX = '@opentelemetry/instrumentation-';

/**
 * `pg`, `PG`, ` pg `, `@opentelemetry/instrumentation-pg` and aliases such as `fetch` all give
 * `pg`/`undici`; anything else gives `undefined`.
 */
export function canonicalInstrumentationName(input: string): string | undefined {
  let name = input.trim().toLowerCase();
  if (name.startsWith(UPSTREAM_PREFIX)) name = name.slice(UPSTREAM_PREFIX.length);
  name = ALIASES.get(name) ?? name;
  return CATALOGUE.has(name) ? name : undefined;
}

/**
 * The instrumentations to enable, as short names in catalogue order.
 *
 * - `option: false` → none; `option: [...]` → exactly those (the environment is not consulted:
 *   code wins over env).
 * - `option: true` or unset → `enabledEnv` (`OTEL_NODE_ENABLED_INSTRUMENTATIONS`) if given, else
 *   the default set; minus `disabledEnv` (`OTEL_NODE_DISABLED_INSTRUMENTATIONS`).
 *
 * Env lists are comma-separated and take the same names as upstream (`http,express` or
 * `@opentelemetry/instrumentation-http`). Unknown names are ignored with one warning naming them
 * (and the closest known name); an enabled list that names nothing known keeps the default set,
 * since enabling nothing at all (http included) is never what a typo meant.
 */
export function resolveInstrumentationNames(
  input: { option?: boolean | readonly string[]; enabledEnv?: string; disabledEnv?: string },
  warn: (message: string) => void,
): string[] {
  const { option } = input;
  if (option === false) return [];
  if (Array.isArray(option)) {
    const { names, unknown } = parseList(option);
    if (unknown.length > 0)
      warn(
        `the instrumentations option names ${describeUnknown(unknown)}; ignoring ${unknown.length > 1 ? 'them' : 'it'}`,
      );
    return ordered(names);
  }
  const defaults = new Set([...CATALOGUE.values()].filter((e) => e.defaultOn).map((e) => e.name));
  let enabled = defaults;
  const enabledEnv = input.enabledEnv?.trim();
  if (enabledEnv !== undefined && enabledEnv !== '') {
    const { names, unknown } = parseList(split(enabledEnv));
    enabled = names.size > 0 ? names : new Set(defaults);
    if (unknown.length > 0) {
      const outcome =
        names.size > 0 ? `using ${ordered(names).join(',')}` : 'defaulting to the default instrumentations';
      warn(envLine('OTEL_NODE_ENABLED_INSTRUMENTATIONS', enabledEnv, unknown, outcome));
    }
  }
  const disabledEnv = input.disabledEnv?.trim();
  if (disabledEnv !== undefined && disabledEnv !== '') {
    const { names, unknown } = parseList(split(disabledEnv));
    for (const name of names) enabled.delete(name);
    if (unknown.length > 0) {
      const outcome = `ignoring ${unknown.length > 1 ? 'them' : 'it'}`;
      warn(envLine('OTEL_NODE_DISABLED_INSTRUMENTATIONS', disabledEnv, unknown, outcome));
    }
  }
  return ordered(enabled);
}

function envLine(name: string, given: string, unknown: readonly string[], outcome: string): string {
  return `${name}=${quoted(given)} was given, but it names ${describeUnknown(unknown)}, ${outcome}.`;
}

/** The most unknown names a line names (each compared with every known one); the rest are counted. */
const LISTED_UNKNOWN = 8;

function describeUnknown(unknown: readonly string[]): string {
  // Each distinct name once, the first few only: every name, repeats included, was compared with
  // every known one, twice (~90 µs a name: 40,000 held start-up for 3.5 s), and all were listed.
  const distinct = [...new Set(unknown)];
  const listed = distinct.slice(0, LISTED_UNKNOWN).map((u) => [u, closestKnown(u)] as const);
  const parts = listed.map(
    ([u, near]) => `${quoted(u)}${near === undefined ? '' : ` (did you mean "${near}"?)`}`,
  );
  const more = distinct.length > LISTED_UNKNOWN ? ` and ${distinct.length - LISTED_UNKNOWN} more` : '';
  const known =
    more === '' && listed.every(([, near]) => near !== undefined)
      ? ''
      : ` (known: ${KNOWN_INSTRUMENTATIONS.join(', ')})`;
  return `unknown instrumentation${distinct.length > 1 ? 's' : ''} ${parts.join(', ')}${more}${known}`;
}

function split(value: string): string[] {
  return value.split(',').filter((part) => part.trim() !== '');
}

function parseList(items: readonly string[]): { names: Set<string>; unknown: string[] } {
  const names = new Set<string>();
  const unknown: string[] = [];
  for (const item of items) {
    const name = canonicalInstrumentationName(item);
    if (name === undefined) unknown.push(item.trim());
    else names.add(name);
  }
  return { names, unknown };
}

/** The known name within two edits of `input` (a typo), if there is one. */
function closestKnown(input: string): string | undefined {
  let name = input.trim().toLowerCase();
  if (name.startsWith(UPSTREAM_PREFIX)) name = name.slice(UPSTREAM_PREFIX.length);
  if (name.length > 40) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const known of [...KNOWN_INSTRUMENTATIONS, ...ALIASES.keys()]) {
    const d = editDistance(name, known);
    if (d < bestDistance) {
      best = known; // an alias is accepted as it is: suggest the spelling nearest to the typo
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance; both strings are short (≤ 40 characters), so a row of numbers will do. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

function ordered(names: ReadonlySet<string>): string[] {
  return KNOWN_INSTRUMENTATIONS.filter((name) => names.has(name));
}
