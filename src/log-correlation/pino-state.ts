// pino keeps a logger's state under private symbols (`pino.chindings`, `pino.nestedKey`…), not
// exported: found by their descriptions, as pinoMixin needs a few of them.

const pinoSymbols = new Map<string, symbol>();

/** A pino logger's private state (`pino.chindings`…), found by the symbol's description. */
export function pinoSymbolValue(logger: object, description: string): unknown {
  let symbol = pinoSymbols.get(description);
  if (symbol === undefined || !(symbol in logger)) {
    symbol = ownOrInheritedSymbols(logger).find((s) => s.description === description);
    if (symbol === undefined) return undefined;
    pinoSymbols.set(description, symbol);
  }
  return (logger as Record<symbol, unknown>)[symbol];
}

/** A child logger's own symbols are those it sets; the rest (its merge strategy) it inherits. */
function ownOrInheritedSymbols(logger: object): symbol[] {
  const out: symbol[] = [];
  for (let o: object | null = logger; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    out.push(...Object.getOwnPropertySymbols(o));
  }
  return out;
}
