import { INLINE_PHRASE_NAMES } from './defaults.js';
import { isSingleChar } from './inline.js';
import { anyCase, escapeRegex } from './inline-locator.js';

/**
 * `password: correct horse battery staple`: the rules for `name: value` pairs (inline.ts) end an
 * unquoted value at the first space, so only `correct` was replaced and the rest of the
 * passphrase went out. Run after them: where a passphrase-like name (defaults.ts,
 * INLINE_PHRASE_NAMES; glued too, `dbPassword:`), a colon, a blank and the replacement stand (as
 * YAML and prose write them; `pass:pw` with no blank is OpenSSL's `-passin pass:pw`, and the flags
 * after it went with the password), the words
 * that follow on the same line are replaced with it, up to a word that starts another pair
 * (`user: bob`, `id=7`: a word with `:` or `=` in it), a line end, or a `"`, `'`, `,`, `;`, `&`
 * or `}`. Over-replacing the rest of a message (`password: x for user bob`) hides words a reader
 * may have wanted; under-replacing leaked three quarters of a passphrase.
 *
 * Linear: the names are literals; each match's words are read once and the search goes on after them.
 */
export type PhraseScrubber = (text: string) => string;

const SPACE = 32;
const TAB = 9;

/** A character of a word of the phrase: one of an unquoted value (inline.ts), but not `:` or `=`. */
function isWordChar(c: number): boolean {
  return isSingleChar(c) && c !== 58 && c !== 61;
}

/**
 * Where the words after `from` end: each after spaces or tabs, none followed by `:` or `=`.
 * `bare`: the first word may start right at `from` (an empty replacement left the value's first
 * word's place empty, and the locator took the spaces before it).
 */
function phraseEnd(text: string, from: number, bare: boolean): number {
  const n = text.length;
  let end = from;
  let p = from;
  let first = bare;
  while (p < n) {
    let w = p;
    while (w < n && (text.charCodeAt(w) === SPACE || text.charCodeAt(w) === TAB)) w++;
    if (w === p && !first) break;
    first = false;
    let e = w;
    while (e < n && isWordChar(text.charCodeAt(e))) e++;
    if (e === w) break;
    if (e < n && (text.charCodeAt(e) === 58 || text.charCodeAt(e) === 61)) break;
    end = e;
    p = e;
  }
  return end;
}

export function createPhraseScrubber(replacement: string): PhraseScrubber {
  const names = anyCase(INLINE_PHRASE_NAMES.map(escapeRegex).join('|'));
  // The name, an optional `]` or closing quote (`user[password]:`, `"password":` is quoted anyway),
  // the colon, and the value inline.ts put there.
  const locator = new RegExp(
    `(?:${names})\\]?(?:\\\\"|["'])?[ \\t]*:[ \\t]+${escapeRegex(replacement)}`,
    'g',
  );
  return (text) => {
    // The locator ends in the replacement: a literal search is cheaper than the names' scan.
    if (text.indexOf(':') === -1 || text.indexOf(replacement) === -1) return text;
    let out = '';
    let copied = 0;
    locator.lastIndex = 0;
    // `test`, not `exec`: where the match ends (lastIndex) is all that is needed, and a match
    // array per pair was a quarter of the time for 256 KB of scrubbed pairs.
    while (locator.test(text)) {
      const from = locator.lastIndex;
      const to = phraseEnd(text, from, replacement === '');
      if (to === from) continue;
      out += text.slice(copied, from);
      copied = to;
      locator.lastIndex = to;
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}
