import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { isAlnum, isSpaceOrTab as isBlank, isScrubbed } from './chars.js';

/**
 * Credentials that HTTP clients take in flags whose names say nothing secret (cli-flags.ts reads
 * those that do, `--cookie`, `--pass`, `-u`), on a line that names the client:
 * - curl's `-b 'sid=…'` (`--cookie`'s short form): cookie data, hidden whole when it holds a `=`
 *   (`-b cookies.txt` names a file and is kept);
 * - curl's `-E cert.pem:pw`, `--cert`, `--proxy-cert`: the certificate's password after its `:`
 *   (after a Windows drive's `C:\`; a `pkcs11:` URI holds none), the file kept;
 * - HTTPie's `http -a bob:pw`, `--auth bob:pw`, `--auth=bob:pw` (`https` too): the password.
 * All went out until 2026-12-07. A value in quotes runs to its quote on the line.
 *
 * Linear: each `curl` or `http` is found with indexOf; the rest of its line is read word by word
 * once, and the search goes on from the line's end.
 */
export type HttpClientFlagScrubber = (text: string, budget?: SecretBudget) => string;

const CURL = 1;
const HTTPIE = 2;

function isWordChar(c: number): boolean {
  return isAlnum(c) || c === 95 || c === 45 || c === 46;
}

function isLineEnd(c: number): boolean {
  return c === 10 || c === 13;
}

/** The client named by the word at `at` (`curl`, `http`, `https`, after a path's `/` too), or 0. */
function clientAt(text: string, at: number): number {
  if (at > 0 && isWordChar(text.charCodeAt(at - 1))) return 0;
  const curl = text.startsWith('curl', at);
  let end = at + 4;
  if (!curl && text.charCodeAt(end) === 115) end++;
  const after = text.charCodeAt(end);
  if (!(end >= text.length || isBlank(after) || after === 34 || after === 39)) return 0;
  return curl ? CURL : HTTPIE;
}

/** The client the word `text[from, to)` names (`curl`, `http`, `https`), or 0. */
function clientWord(text: string, from: number, to: number): number {
  const n = to - from;
  if (n === 4 && text.startsWith('curl', from)) return CURL;
  return (n === 4 || n === 5) && text.startsWith(n === 4 ? 'http' : 'https', from) ? HTTPIE : 0;
}

/** The flag `text[from, to)` takes a credential next: 1 cookie data, 2 a certificate, 3 `user:password`; else 0. */
function flagKind(text: string, from: number, to: number, client: number): number {
  const word = text.slice(from, to);
  if (client === CURL) {
    if (word === '-b') return 1;
    if (word === '-E' || word === '--cert' || word === '--proxy-cert') return 2;
    return 0;
  }
  return word === '-a' || word === '--auth' ? 3 : 0;
}

/** Where the password in a certificate value `text[from, to)` starts, or -1. */
function certPasswordAt(text: string, from: number, to: number): number {
  if (text.startsWith('pkcs11:', from)) return -1;
  let p = from;
  // `C:\certs\c.pem:pw`: the drive's colon is the path's.
  if (to - from > 2 && text.charCodeAt(from + 1) === 58) {
    const slash = text.charCodeAt(from + 2);
    if (slash === 92 || slash === 47) p = from + 2;
  }
  for (; p < to; p++) {
    const c = text.charCodeAt(p);
    if (c === 92) p++;
    else if (c === 58) return p + 1 < to ? p + 1 : -1;
  }
  return -1;
}

/** Whether the word `text[from, to)` ends a command: `|`, `||`, `&&`, `;`, or a word ending in `;`. */
function endsCommand(text: string, from: number, to: number): boolean {
  const last = text.charCodeAt(to - 1);
  if (last === 59) return true;
  if (to - from > 2) return false;
  const first = text.charCodeAt(from);
  return (
    (first === 124 && (to - from === 1 || last === 124)) || (first === 38 && last === 38 && to - from === 2)
  );
}

/** Whether `text[from, to)` holds a `=`. */
function hasEquals(text: string, from: number, to: number): boolean {
  for (let p = from; p < to; p++) if (text.charCodeAt(p) === 61) return true;
  return false;
}

/** Where the password of `user:password` in `text[from, to)` starts, or -1. */
function userPasswordAt(text: string, from: number, to: number): number {
  for (let p = from; p < to; p++) if (text.charCodeAt(p) === 58) return p + 1 < to ? p + 1 : -1;
  return -1;
}

/** The client a program's name is (`curl`, `http`, `https`; args.ts), or 0. */
export function httpClientOf(program: string): number {
  return clientWord(program, 0, program.length);
}

/** The credential kind the argument `arg` takes next after client `client` (flagKind; args.ts), or 0. */
export function httpClientFlag(client: number, arg: string): number {
  return client === 0 ? 0 : flagKind(arg, 0, arg.length, client);
}

/** Where the credential of kind `kind` starts in the argument `value` (args.ts), or -1. */
export function httpClientCredentialAt(kind: number, value: string): number {
  if (kind === 1) return hasEquals(value, 0, value.length) ? 0 : -1;
  return kind === 2 ? certPasswordAt(value, 0, value.length) : userPasswordAt(value, 0, value.length);
}

export function createHttpClientFlagScrubber(replacement: string): HttpClientFlagScrubber {
  return (text, budget = secretBudget()) => {
    let out = '';
    let copied = 0;
    let curl = text.indexOf('curl');
    let http = text.indexOf('http');
    while (curl !== -1 || http !== -1) {
      const at = curl === -1 ? http : http === -1 ? curl : Math.min(curl, http);
      let client = clientAt(text, at);
      let p = at + 4;
      if (client !== 0) {
        // The words of the rest of the line; `kind`: the credential the previous flag takes next.
        let kind = 0;
        while (p < text.length && !isLineEnd(text.charCodeAt(p))) {
          while (p < text.length && isBlank(text.charCodeAt(p))) p++;
          if (p >= text.length || isLineEnd(text.charCodeAt(p))) break;
          const q = text.charCodeAt(p);
          const quoted = q === 34 || q === 39;
          const from = quoted ? p + 1 : p;
          let to = from;
          while (to < text.length && !isLineEnd(text.charCodeAt(to))) {
            const c = text.charCodeAt(to);
            if (quoted ? c === q : isBlank(c)) break;
            to++;
          }
          p = quoted && to < text.length && text.charCodeAt(to) === q ? to + 1 : to;
          let hideFrom = -1;
          let flag = 0;
          const named = quoted ? 0 : clientWord(text, from, to);
          if (!quoted && endsCommand(text, from, to)) client = 0;
          else if (named !== 0) client = named;
          else if (client === 0) {
            // Another command's words: none of its flags is a client's.
          } else if (kind !== 0 && text.charCodeAt(from) !== 45) {
            if (kind === 1) hideFrom = hasEquals(text, from, to) ? from : -1;
            else hideFrom = kind === 2 ? certPasswordAt(text, from, to) : userPasswordAt(text, from, to);
          } else if (client === HTTPIE && text.startsWith('--auth=', from)) {
            hideFrom = userPasswordAt(text, from + 7, to);
          } else flag = flagKind(text, from, to, client);
          kind = flag;
          if (hideFrom !== -1 && hideFrom < to && !isScrubbed(text, hideFrom, to, replacement)) {
            out += text.slice(copied, hideFrom) + replacement;
            copied = to;
            // Past the budget (budget.ts), this value runs to the end of the text.
            if (!takeSecret(budget)) return out;
          }
        }
      }
      if (curl !== -1 && curl < p) curl = text.indexOf('curl', p);
      if (http !== -1 && http < p) http = text.indexOf('http', p);
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}
