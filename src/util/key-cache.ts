/**
 * A cache of what was worked out for a key (an attribute key's scrubbing action, its encoded
 * bytes), bounded in two generations of at most `max` entries. When the newer one is full it
 * becomes the older one, and a key found there moves back into the newer: keys in use stay cached
 * through any number of keys seen once.
 *
 * A cache that stopped taking keys once full was poisoned for good by the first few thousand
 * distinct keys (dynamic attribute names, or a hostile span's): every later span worked out its
 * keys again, and a typical span's `span.end()` cost twice as much for the rest of the process.
 */
export class KeyCache<V> {
  private _newer = new Map<string, V>();
  private _older = new Map<string, V>();

  constructor(private readonly _max: number) {}

  get(key: string): V | undefined {
    const value = this._newer.get(key);
    if (value !== undefined) return value;
    const old = this._older.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, value: V): void {
    if (this._newer.size >= this._max) {
      this._older = this._newer;
      this._newer = new Map();
    }
    this._newer.set(key, value);
  }
}
