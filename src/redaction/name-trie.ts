/**
 * Names looked for where they end (before a `=` or `:`, at a parameter name's end), as a trie of
 * the names read backwards, each name with flags saying how it counts (param-names.ts, inline.ts).
 * A lookup reads the text's characters from the end, once each, only as far as some name goes,
 * however many names there are. Names are compared in any ASCII case (the text's A–Z read as
 * a–z); a character past ASCII matches only itself, as the names are written lower-cased.
 *
 * Node 0 is the root; `child[node * width + slot]` is the node one character further back (0:
 * none), `slot` the character's place in the names' alphabet.
 */
export interface NameTrie {
  readonly child: Int32Array;
  /** Slots per node: the alphabet's size. */
  readonly width: number;
  /** The slot of each ASCII code unit (letters lower-case), -1 for one no name holds. */
  readonly asciiSlot: Int8Array;
  /** The slots of the code units past ASCII the names hold (none of ours do). */
  readonly otherSlot: ReadonlyMap<number, number>;
  /** Per node: the flags of the name that starts there (ORed when given twice), 0 for none. */
  readonly flags: Uint8Array;
}

/** Builds the trie of `names` (lower-cased; empty ones left out), each with its flags (1–255). */
export function nameTrie(names: readonly (readonly [name: string, flags: number])[]): NameTrie {
  const entries = names
    .map(([name, flags]) => [name.toLowerCase(), flags] as const)
    .filter(([n]) => n !== '');
  const alphabet = [...new Set(entries.flatMap(([n]) => [...n].map((_c, i) => n.charCodeAt(i))))];
  const asciiSlot = new Int8Array(128).fill(-1);
  const otherSlot = new Map<number, number>();
  alphabet.forEach((c, slot) => {
    if (c >= 128) otherSlot.set(c, slot);
    else asciiSlot[c] = slot;
  });
  const width = Math.max(alphabet.length, 1);
  const nodes: number[][] = [[]];
  const flags: number[] = [0];
  for (const [name, nameFlags] of entries) {
    let node = 0;
    for (let i = name.length - 1; i >= 0; i--) {
      const c = name.charCodeAt(i);
      const slot = c < 128 ? asciiSlot[c]! : otherSlot.get(c)!;
      let next = nodes[node]![slot];
      if (next === undefined) {
        next = nodes.length;
        nodes.push([]);
        flags.push(0);
        nodes[node]![slot] = next;
      }
      node = next;
    }
    flags[node]! |= nameFlags;
  }
  const child = new Int32Array(nodes.length * width);
  nodes.forEach((slots, node) => {
    slots.forEach((next, slot) => {
      child[node * width + slot] = next;
    });
  });
  return { child, width, asciiSlot, otherSlot, flags: Uint8Array.from(flags) };
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
