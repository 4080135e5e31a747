// What the scanners that read text with indexOf and charCodeAt share (inline.ts, userinfo.ts,
// cli-flags.ts, oracle-logins.ts, encoded-names.ts, xml.ts): character classes by char code, words
// compared in any case without a copy, and whether a value is scrubbed already. Each scanner's name characters stay its own (a flag's `-`,
// an XML name's `.` and `:`, a query name's `%+.~`), written with these.

/** `0`–`9`. */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** ASCII letters. */
export function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** ASCII letters and digits. */
export function isAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

/** A space or a tab: a blank within a line. */
export function isSpaceOrTab(c: number): boolean {
  return c === 32 || c === 9;
}

/** A space, a tab or a line's end (`\n`, `\r`). */
export function isWhiteSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Where the line that holds `from` ends: at its `\n` or `\r`, or the text's end. */
export function lineEnd(text: string, from: number): number {
  let p = from;
  while (p < text.length && text.charCodeAt(p) !== 10 && text.charCodeAt(p) !== 13) p++;
  return p;
}

/** Whether `text[from, to)` is `word` (lower case), in any case. */
export function isWord(text: string, from: number, to: number, word: string): boolean {
  if (to - from !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    const c = text.charCodeAt(from + i);
    const w = word.charCodeAt(i);
    if (c !== w && !(c >= 65 && c <= 90 && c + 32 === w)) return false;
  }
  return true;
}

/** Whether `text[from, to)` is one of `words` (lower case), in any case. */
export function isOneOf(text: string, from: number, to: number, words: readonly string[]): boolean {
  for (let i = 0; i < words.length; i++) if (isWord(text, from, to, words[i]!)) return true;
  return false;
}

/** Whether `text[from, to)` is `REDACTED` (url.ts's) or the replacement: scrubbed already. */
export function isScrubbed(text: string, from: number, to: number, replacement: string): boolean {
  return (
    (to - from === 8 && text.startsWith('REDACTED', from)) ||
    (to - from === replacement.length && text.startsWith(replacement, from))
  );
}

/**
 * `text.indexOf(char, from)` (`code` its char code), the next `near` characters read one by one
 * first: in text dense with `char`, an indexOf call per occurrence costs more than reading them
 * (256 KB of ` a/a`, oracle-logins.ts: 2.4 ms, 2.0 this way).
 */
export function nextOf(text: string, code: number, char: string, from: number, near = 16): number {
  const end = Math.min(from + near, text.length);
  for (let i = from; i < end; i++) if (text.charCodeAt(i) === code) return i;
  return end < text.length ? text.indexOf(char, end) : -1;
}
