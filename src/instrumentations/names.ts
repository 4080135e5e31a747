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
 * `@opentelemetry/instrumentation-http`). Unknown names are ignored with one warning naming them.
 */
export function resolveInstrumentationNames(
  input: { option?: boolean | readonly string[]; enabledEnv?: string; disabledEnv?: string },
  warn: (message: string) => void,
): string[] {
  const { option } = input;
  if (option === false) return [];
  if (Array.isArray(option)) {
    return ordered(parseList(option, 'instrumentations option', warn));
  }
  const enabled =
    input.enabledEnv !== undefined && input.enabledEnv.trim() !== ''
      ? parseList(split(input.enabledEnv), 'OTEL_NODE_ENABLED_INSTRUMENTATIONS', warn)
      : new Set([...CATALOGUE.values()].filter((e) => e.defaultOn).map((e) => e.name));
  if (input.disabledEnv !== undefined) {
    for (const name of parseList(split(input.disabledEnv), 'OTEL_NODE_DISABLED_INSTRUMENTATIONS', warn)) {
      enabled.delete(name);
    }
  }
  return ordered(enabled);
}

function split(value: string): string[] {
  return value.split(',').filter((part) => part.trim() !== '');
}

function parseList(items: readonly string[], source: string, warn: (message: string) => void): Set<string> {
  const names = new Set<string>();
  const unknown: string[] = [];
  for (const item of items) {
    const name = canonicalInstrumentationName(item);
    if (name === undefined) unknown.push(item.trim());
    else names.add(name);
  }
  if (unknown.length > 0) {
    const list = unknown.map((u) => JSON.stringify(u)).join(', ');
    warn(
      `${source} names unknown instrumentation${unknown.length > 1 ? 's' : ''} ${list}; ignoring ` +
        `${unknown.length > 1 ? 'them' : 'it'} (known: ${KNOWN_INSTRUMENTATIONS.join(', ')})`,
    );
  }
  return names;
}

function ordered(names: ReadonlySet<string>): string[] {
  return KNOWN_INSTRUMENTATIONS.filter((name) => names.has(name));
}
