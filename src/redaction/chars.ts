// What the scanners that read text with indexOf and charCodeAt share (inline.ts, userinfo.ts,
// cli-flags.ts, oracle-logins.ts, encoded-names.ts, xml.ts): character classes by char code, and
// whether a value is scrubbed already. Each scanner's name characters stay its own (a flag's `-`,
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

/** A space, a tab or a line's end (`\n`, `\r`). */
export function isWhiteSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Whether `text[from, to)` is `REDACTED` (url.ts's) or the replacement: scrubbed already. */
export function isScrubbed(text: string, from: number, to: number, replacement: string): boolean {
  return (
    (to - from === 8 && text.startsWith('REDACTED', from)) ||
    (to - from === replacement.length && text.startsWith(replacement, from))
  );
}
