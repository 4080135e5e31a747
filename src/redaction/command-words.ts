import { isSpaceOrTab as isBlank, isLetter, isWord } from './chars.js';

/**
 * The first words of one shell command, as stdin-passwords.ts and sudo-options.ts read them: where
 * each starts and ends (quotes left out) and its quote (0 for none). Module state: a pass never runs
 * inside another.
 */
export const words = { starts: [] as number[], ends: [] as number[], quoted: [] as number[], count: 0 };
/** Enough for `sudo -u bob -p 'pw: ' -S chpasswd -c SHA512`, `echo -n -e value`, `printf -- '%s\n' a b`. */
const MAX_WORDS = 12;

/** Whether a quote is at `at` inside a word: an apostrophe between letters (`Don't`) is prose's (shell-commands.ts). */
function opensQuote(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (c === 34) return true;
  return c === 39 && !(isLetter(text.charCodeAt(at - 1)) && isLetter(text.charCodeAt(at + 1)));
}

/** Reads the words of the command text[from, to) into `words`, MAX_WORDS at most. */
export function readWords(text: string, from: number, to: number): void {
  words.count = 0;
  let p = from;
  while (words.count < MAX_WORDS) {
    while (p < to && isBlank(text.charCodeAt(p))) p++;
    if (p >= to) return;
    const c = text.charCodeAt(p);
    let s = p;
    let e: number;
    let quote = 0;
    if (c === 34 || c === 39) {
      e = p + 1;
      // In double quotes a backslash escapes (`"a\"b"` is one word).
      while (e < to && text.charCodeAt(e) !== c) e += c === 34 && text.charCodeAt(e) === 92 ? 2 : 1;
      if (e > to) e = to;
      // Closed: the word inside the quotes. Unclosed (`sh -c "echo pw | …`): the quote opens an
      // outer string, and the word is what follows it.
      if (e < to) {
        s = p + 1;
        quote = c;
        p = e + 1;
      } else {
        s = p + 1;
        e = s;
        while (e < to && !isBlank(text.charCodeAt(e))) e++;
        p = e;
      }
    } else {
      e = p;
      // Each character read once; only a quote is looked at around (a word may be 256 KB long).
      for (; e < to; e++) {
        const d = text.charCodeAt(e);
        if (isBlank(d) || ((d === 34 || d === 39) && opensQuote(text, e))) break;
      }
      p = e;
    }
    words.starts[words.count] = s;
    words.ends[words.count] = e;
    words.quoted[words.count++] = quote;
  }
}

/** Whether word `i` is `name`, a path before it left out (`/bin/echo`). */
export function wordIs(text: string, i: number, name: string): boolean {
  const from = words.starts[i]!;
  const to = words.ends[i]!;
  const at = to - name.length;
  return at >= from && isWord(text, at, to, name) && (at === from || text.charCodeAt(at - 1) === 47);
}

/** The index of the word that starts at `at`, or -1 (past MAX_WORDS too). */
export function wordAt(at: number): number {
  for (let i = 0; i < words.count; i++) if (words.starts[i] === at) return i;
  return -1;
}
