// Character classes by char code, for the scanners that read text with indexOf and charCodeAt
// (inline.ts, userinfo.ts, cli-flags.ts).

/** `0`–`9`. */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** ASCII letters and digits. */
export function isAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}
