/**
 * Names looked for where they end (before a `=` or `:`, at a parameter name's end), as a trie of
 * the names read backwards, each name with flags saying how it counts (param-names.ts, inline.ts).
 * A lookup reads the text's characters from the end, once each, only as far as some name goes,
 * however many names there are. Names are compared in any ASCII case (the text's A–Z read as
 * a–z); a character past ASCII matches only itself, as the names are written lower-cased.
 *
 * Node 0 is the root; `child[node * width + slot]` is the node one character further back (0:
 * none), `slot` the character's place in the names' alphabet. Lookups (stepBack) need it built().
 */
export interface NameTrie {
  child: Int32Array;
  /** Slots per node: the alphabet's size; 0 until the trie is built (built()). */
  width: number;
  /** The slot of each ASCII code unit (letters lower-case), -1 for one no name holds. */
  asciiSlot: Int8Array;
  /** The slots of the code units past ASCII the names hold (none of ours do). */
  otherSlot: ReadonlyMap<number, number>;
  /** Per node: the flags of the name that starts there (ORed when given twice), 0 for none. */
  flags: Uint8Array;
  /** The names and flags, until the trie is built. */
  pending: readonly (readonly [name: string, flags: number])[] | undefined;
}

/**
 * A trie of `names` (lower-cased; empty ones left out), each with its flags (1–255), built on its
 * first lookup (built()): a redactor holds six, most of which a process's start-up never reads
 * (the XML names, the one-dash flags, the query parameters), and building all six there made V8
 * compile the builder with TurboFan while the service started (docs/performance.md, 2026-12-07).
 */
export function nameTrie(names: readonly (readonly [name: string, flags: number])[]): NameTrie {
  return {
    child: NO_NODES,
    width: 0,
    asciiSlot: NO_SLOTS,
    otherSlot: NO_OTHER,
    flags: NO_FLAGS,
    pending: names,
  };
}

const NO_NODES = new Int32Array(0);
const NO_SLOTS = new Int8Array(0);
const NO_OTHER: ReadonlyMap<number, number> = new Map();
const NO_FLAGS = new Uint8Array(0);

/** `trie`, built if it was not yet: call before the lookups of a scan. */
export function built(trie: NameTrie): NameTrie {
  if (trie.pending !== undefined) build(trie, trie.pending);
  return trie;
}

/**
 * Builds the trie in place. Plain loops into typed arrays sized for the worst case (a node per
 * character): arrays of arrays with `forEach`, `flatMap` and spreads, run once as cold code, took
 * ~1 ms a trie.
 */
function build(trie: NameTrie, names: readonly (readonly [name: string, flags: number])[]): void {
  const asciiSlot = new Int8Array(128).fill(-1);
  const otherSlot = new Map<number, number>();
  const lowered: string[] = [];
  const nameFlags: number[] = [];
  let slots = 0;
  let most = 1;
  for (let k = 0; k < names.length; k++) {
    const name = names[k]![0].toLowerCase();
    if (name === '') continue;
    lowered.push(name);
    nameFlags.push(names[k]![1]);
    most += name.length;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c >= 128) {
        if (!otherSlot.has(c)) otherSlot.set(c, slots++);
      } else if (asciiSlot[c] === -1) asciiSlot[c] = slots++;
    }
  }
  const width = Math.max(slots, 1);
  const child = new Int32Array(most * width);
  const flags = new Uint8Array(most);
  let nodes = 1;
  for (let k = 0; k < lowered.length; k++) {
    const name = lowered[k]!;
    let node = 0;
    for (let i = name.length - 1; i >= 0; i--) {
      const c = name.charCodeAt(i);
      const at = node * width + (c < 128 ? asciiSlot[c]! : otherSlot.get(c)!);
      if (child[at] === 0) child[at] = nodes++;
      node = child[at]!;
    }
    flags[node]! |= nameFlags[k]!;
  }
  trie.child = child.slice(0, nodes * width);
  trie.asciiSlot = asciiSlot;
  trie.otherSlot = otherSlot;
  trie.flags = flags.slice(0, nodes);
  trie.width = width;
  trie.pending = undefined;
}

/**
 * The node reached from `node` by the character `c` (read going back), or 0 when no name goes on
 * with it.
 */
export function stepBack(trie: NameTrie, node: number, c: number): number {
  const lower = c >= 65 && c <= 90 ? c + 32 : c;
  const slot = lower < 128 ? trie.asciiSlot[lower]! : (trie.otherSlot.get(lower) ?? -1);
  return slot === -1 ? 0 : trie.child[node * trie.width + slot]!;
}
