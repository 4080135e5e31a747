import { isWord } from './chars.js';

/**
 * OpenSSL's pass phrase arguments (`-passin`, `-passout`, and `enc`'s `-pass`): `pass:secret` holds
 * the password, but `env:VAR`, `file:path`, `fd:3` and `stdin` only say where it is, and hiding them
 * lost what a failed command read its password from (`-passout env:P12PASS` went out as
 * `-p[REDACTED] env:P12PASS` in an argument list, `-pass [REDACTED]` in text). Any other value is
 * taken for a password (fail closed).
 */
export const PASS_PHRASE_FLAGS: readonly string[] = ['-passin', '-passout', '-pass'];

/** The sources that name where the password is, not the password. */
const SOURCES = ['env:', 'file:', 'fd:'];

/**
 * Where the password in the pass phrase argument `text[from, to)` starts: after `pass:`, at `from`
 * for a value of no known form, or -1 for a source (`env:VAR`, `file:path`, `fd:3`, `stdin`).
 */
export function passPhraseSecretAt(text: string, from: number, to: number): number {
  if (isWord(text, from, to, 'stdin')) return -1;
  if (to - from > 5 && isWord(text, from, from + 5, 'pass:')) return from + 5;
  for (const source of SOURCES)
    if (to - from > source.length && isWord(text, from, from + source.length, source)) return -1;
  return from;
}
