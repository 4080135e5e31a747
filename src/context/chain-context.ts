import type { Context } from '@opentelemetry/api';

/** Past this many values on one chain, the next context is built the API's way (see `setValue`). */
const MAX_DEPTH = 32;

/**
 * A `Context` (the API's public interface) that keeps each value in a node of its own, pointing to
 * the context it was derived from. The API's own contexts copy their whole `Map` for every value
 * set: a request's context (its span, then its RPC metadata) cost ~190 ns that way, ~30 as nodes,
 * and every context derived from it inside the request (a child span made active, an express
 * layer, an outgoing call) was one more copy of a `Map` that grows with the request's values.
 *
 * A lookup walks from the newest value to the oldest, then asks the context the chain started
 * from; the newest value of a key shadows older ones, and `deleteValue` is a value of `undefined`,
 * which is what the API's contexts answer for a deleted key. A chain never grows past `MAX_DEPTH`
 * values: the context past it is the chain's values set on its base the API's way (a copy each,
 * once per 32 values of nesting), and a new chain starts from that. So a lookup never walks more
 * than 32 nodes, however deep a recursion nests contexts. The price: a context keeps the values it
 * shadows reachable (an outer layer's span under an inner one's), at most 32 of them.
 */
export class ChainContext implements Context {
  private constructor(
    private readonly _parent: Context,
    private readonly _key: symbol | undefined,
    private readonly _value: unknown,
    private readonly _depth: number,
  ) {}

  /** An empty chain on `base` (itself when it is one): what is set on it is kept as nodes. */
  static on(base: Context): Context {
    return base instanceof ChainContext ? base : new ChainContext(base, undefined, undefined, 0);
  }

  getValue(key: symbol): unknown {
    let at: Context = this;
    while (at instanceof ChainContext) {
      if (at._key === key) return at._value;
      at = at._parent;
    }
    return at.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    if (this._depth < MAX_DEPTH) return new ChainContext(this, key, value, this._depth + 1);
    return ChainContext.on(this._flattened()).setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.setValue(key, undefined);
  }

  /** The chain's values set, oldest first, on the context it started from. */
  private _flattened(): Context {
    const nodes: ChainContext[] = [];
    let at: Context = this;
    while (at instanceof ChainContext) {
      nodes.push(at);
      at = at._parent;
    }
    let flat = at;
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      if (node._key === undefined) continue;
      flat = node._value === undefined ? flat.deleteValue(node._key) : flat.setValue(node._key, node._value);
    }
    return flat;
  }
}
