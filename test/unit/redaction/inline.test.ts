// The inline `name=value` scanner (src/redaction/inline.ts) replaced one regex, for speed only
// (issue 20: 256 KB of short `pwd="\` pairs took 13 ms through the regex). It must find exactly
// what the regex found: the regex, as it was built before, is kept here as the reference and both
// are run on random text made of names, separators, quotes, spaces and escapes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createInlineScrubber } from '../../../src/redaction/inline.js';
import { anyCase, escapeRegex } from '../../../src/redaction/inline-locator.js';

// --- Reference: the regex the redactor used until 2026-12-03, verbatim but for its inputs (its two
// helpers, escapeRegex and anyCase, are unchanged and shared with the locator) and `=>` as a
// separator (2026-12-06, evening: `'password' => 'x'` kept its value), `[]` after a name as `]` is
// (2026-12-07: `password[]=x` kept its value), and `]` after a quote that closes a name
// (2026-12-07: `os.environ['PASSWORD'] = 'x'` kept its value), `:=` as a separator (2026-12-07:
// `password := "x"` kept its value). ---
// The names are data, kept equal to INLINE_SECRET_NAMES (secret/private keys and passphrase added
// 2026-12-06, subscription keys and session ids in the afternoon, `secret-access-key` in the evening).
const REFERENCE_NAMES = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'cookies',
  'set-cookie',
  'x-api-key',
  'api[-_]?key',
  'x-auth-token',
  'x-csrf-token',
  'access[-_]?token',
  'refresh[-_]?token',
  'client[-_]?secret',
  'secret[-_]?key',
  'secret_access_key',
  'secret-access-key',
  'accesskey',
  'accountkey',
  'private[-_]?key',
  'subscription[-_]key',
  // Vault AppRole's `secret_id` (2026-12-07).
  'secret[-_]?id',
  'session[-_]?id',
  'password',
  'passwd',
  'passphrase',
  'pass',
  'pwd',
  'secret',
  'token',
  // npm's `_auth`, keys that sign or encrypt (2026-12-07).
  'signing[-_]?key',
  'hmac[-_]?key',
  'encryption[-_]?key',
  'master[-_]?key',
  'secret-key-base',
  'secret_key_base',
  '_auth',
];
// Names glued to a word before them (`PGPASSWORD=`), added 2026-12-06 as a third alternative.
const REFERENCE_GLUED =
  'password|passwd|passphrase|pass|pwd|secret|token|apikey|api_key|secretkey|secret_key|privatekey|private_key|accesskey|accountkey|signingkey|encryptionkey|masterkey';

function referenceScrubber(replacement: string, keys: readonly string[]): (text: string) => string {
  const userNames = keys.map(escapeRegex);
  const multiPart = 'authorization|proxy-authorization|cookie|cookies|set-cookie';
  const singlePart = [...REFERENCE_NAMES.filter((n) => !multiPart.split('|').includes(n)), ...userNames].join(
    '|',
  );
  // Escaped quoted values (`\"…\"`, JSON inside a JSON string) added 2026-12-06, with their group.
  const q =
    `(?:(")(?:[^"\\\\]|\\\\.)*"|(')(?:[^'\\\\]|\\\\.)*'` +
    `|(\\\\")(?:[^"\\\\]|\\\\[^"\\\\]|\\\\\\\\(?:\\\\[\\s\\S]|[^"\\\\]))*\\\\"` +
    // ODBC's braced values (`PWD={pa;ss}`) added 2026-12-07, with a group for each brace.
    `|(\\{)(?:[^}\\r\\n]|\\}\\}){0,256}(\\}))`;
  const done = (valueChars: RegExp) =>
    valueChars.test(replacement) ? `(?:REDACTED|${escapeRegex(replacement)})` : 'REDACTED';
  // A list after a single-part name (`password: [ 'a' ]`) added 2026-12-07: its `[` found here,
  // where it ends read by referenceListEnd (nested lists and quoted items, 2026-12-07).
  const list = `\\[`;
  // util.inspect's Buffer after a single-part name (2026-12-07): to its `>`, or its line's end.
  const buffer = `<Buffer [0-9a-z .]{0,256}(?:>|(?![^\\r\\n]))`;
  // A parser's prose after `<word> token:` (kept-values.ts, 2026-12-07): one word of letters, only
  // its first a capital, at most 20, the whole value (`Invalid token: expected`).
  const prose = `(?<=[A-Za-z] [Tt][Oo][Kk][Ee][Nn]:\\s*)[A-Za-z][a-z]{0,19}(?![^\\s"',;&}])`;
  const inline = new RegExp(
    `(?<![A-Za-z0-9])(?:(${anyCase(multiPart)})(\\]?(?:\\[\\])?(?:(?:\\\\"|["'])\\]?)?\\s*(?:=>|:=|[?+]=|[:=])\\s*)(?:${q}|(?!\\s*${done(/^[^\r\n"']+$/)}(?![^\\r\\n"']))(?:${list}|[^\\r\\n"']+))` +
      `|(${anyCase(singlePart)})(\\]?(?:\\[\\])?(?:(?:\\\\"|["'])\\]?)?\\s*(?:=>|:=|[?+]=|[:=])\\s*)(?:${q}|${buffer}|(?!${done(/^[^\s"',;&}]+$/)}(?![^\\s"',;&}]))(?!${prose})(?:${list}|(?:\\\\[ \\t]|[^\\s"',;&}])+)))` +
      `|(?<=[A-Za-z0-9])(${anyCase(REFERENCE_GLUED)})(\\]?(?:\\[\\])?(?:(?:\\\\"|["'])\\]?)?\\s*(?:=>|:=|[?+]=|[:=])\\s*)(?:${q}|${buffer}|(?!${done(/^[^\s"',;&}]+$/)}(?![^\\s"',;&}]))(?:${list}|(?:\\\\[ \\t]|[^\\s"',;&}])+))`,
    'g',
  );
  const inlineReplacement = `$1$2$3$4$5$6$8$9$10$11$12$13$15$16$17$18$19$20${replacement.replace(/\$/g, '$$$$')}$3$4$5$7$10$11$12$14$17$18$19$21`;
  const expand = (m: RegExpExecArray) =>
    inlineReplacement.replace(/\$(\$|\d\d?)/g, (_all, g: string) => (g === '$' ? '$' : (m[Number(g)] ?? '')));
  return (text) => {
    if (!/[:=]/.test(text)) return text;
    const state = { readUntil: 0 };
    let out = '';
    let copied = 0;
    inline.lastIndex = 0;
    for (let m = inline.exec(text); m !== null; m = inline.exec(text)) {
      const multi = m[1] !== undefined;
      const name = m[1] ?? m[8] ?? m[15];
      const start = m.index + (name?.length ?? 0) + (m[2] ?? m[9] ?? m[16] ?? '').length;
      if (name !== undefined && text[start] === '[' && m.index + m[0].length === start + 1) {
        // A multi-part name's list (2026-12-07): to its close or its run's end, whichever is further.
        const run = multi ? MULTI_RUN : SINGLE_RUN;
        run.lastIndex = start;
        run.test(text);
        const listEnd = referenceListEnd(text, start, state, !multi);
        const end = listEnd === -1 ? run.lastIndex : multi ? Math.max(listEnd, run.lastIndex) : listEnd;
        out += text.slice(copied, start) + replacement;
        copied = end;
        inline.lastIndex = end;
      } else {
        out += text.slice(copied, m.index) + expand(m);
        copied = m.index + m[0].length;
      }
    }
    return out + text.slice(copied);
  };
}

const SINGLE_RUN = /[^\s"',;&}]+/y;
const MULTI_RUN = /[^\r\n"']+/y;
/** A quoted item of a list: `'…'`, `"…"` with escapes, JSON's escaped `\"…\"`, each on one line. */
const LIST_ITEM = /'[^'\r\n]*'|"(?:[^"\\\r\n]|\\[^\r\n])*"|\\"(?:[^\\\r\n]|\\[^"\r\n])*\\"/y;

/**
 * Where the list opening at `open` ends, as list-values.ts and inline.ts say (no bound but the
 * depth matters in texts this short): past its closing `]` and (`glue`) the value characters glued
 * after it; not closed, its line's end or its first `]` on the line, whichever is further; inside a list
 * that did not close, that first `]`.
 */
function referenceListEnd(text: string, open: number, state: { readUntil: number }, glue: boolean): number {
  const first = /^[^\]\r\n]{0,255}\]/.exec(text.slice(open + 1));
  const firstEnd = first === null ? -1 : open + 1 + first[0].length;
  let end = firstEnd;
  if (open >= state.readUntil) {
    let depth = 0;
    let lineEnd = -1;
    let p = open;
    let close = -1;
    while (p < text.length && close === -1) {
      const c = text[p]!;
      LIST_ITEM.lastIndex = p;
      if (c === '[' && ++depth > 16) break;
      if (c === ']' && --depth === 0) close = p + 1;
      else if (LIST_ITEM.test(text)) p = LIST_ITEM.lastIndex;
      else {
        if ((c === '\n' || c === '\r') && lineEnd === -1) lineEnd = p;
        p += c === '\\' && text[p + 1] === '"' ? 2 : 1;
      }
    }
    if (close !== -1) end = close;
    else {
      state.readUntil = p;
      end = Math.max(firstEnd, lineEnd === -1 ? p : lineEnd);
      if (end <= open + 1) end = -1;
    }
  }
  // Glued value characters, a blank escaped by a backslash among them (2026-12-07).
  if (end !== -1 && glue)
    while (end < text.length) {
      if (text[end] === '\\' && /[ \t]/.test(text[end + 1] ?? '')) end += 2;
      else if (/[^\s"',;&}]/.test(text[end]!)) end++;
      else break;
    }
  return end;
}
// --- End of reference. ---

const REPLACEMENTS = ['[REDACTED]', 'REDACTED', '***', ' x', 'a b', '$1$&', '"q"', '', 'R', 'x;y'];
const KEY_SETS: string[][] = [
  [],
  ['tok'],
  ['x-tenant-key', 'password2', 'pass'],
  // Plain names that end in one of ours, single-part where ours is multi-part: the first to start wins.
  ['x.cookie', 'my-token', 'auth.cookies'],
  // A one-letter name right after a quoted value: found where the value ends.
  ['k'],
  [''],
  ['a=b', 'a:'],
  ['a b', ' '],
  ['ß', '\u212a', 'İ', 'ǅ'],
  ['$', '.*', 'a|b', '[x]'],
];
const TOKENS = [
  'password',
  '_auth',
  'auth',
  'JWT_SIGNING_KEY',
  'hmac-key',
  'encryptionKey',
  'RAILS_MASTER_KEY',
  'secret_key_base',
  'secret_id',
  'cache_key',
  'PassWord',
  'PASSWD',
  'pwd',
  'token',
  'Token',
  'tok',
  'secret',
  'client_secret',
  'clientSecret',
  'x-api-key',
  'api-key',
  'API_KEY',
  'apikey',
  'access-token',
  'refresh_token',
  'x-auth-token',
  'X-CSRF-TOKEN',
  'cookie',
  'Cookie',
  'set-cookie',
  'Authorization',
  'proxy-authorization',
  'x-tenant-key',
  'x.',
  'my-',
  'auth.',
  'secret_key',
  'SecretKey',
  'secret_access_key',
  'secret-access-key',
  'privateKey',
  'private-key',
  'Passphrase',
  '_key',
  'pass',
  'a',
  'x',
  '1',
  '-',
  '_',
  '=',
  '=>',
  ':=',
  '?=',
  '+=',
  '\\ ',
  '<Buffer',
  '6e',
  '>',
  ':',
  '"',
  "'",
  ' ',
  '  ',
  '\t',
  '\n',
  '\r',
  '\u00a0',
  '\u2028',
  '\u3000',
  '\ufeff',
  '\\',
  '\\"',
  '\\\\',
  ']',
  '[',
  '[]',
  "']",
  '"]',
  ',',
  ';',
  '&',
  '}',
  '{',
  '}}',
  'REDACTED',
  '[REDACTED]',
  '***',
  ' x',
  'ß',
  'S',
  '\u212a',
  'k',
  'İ',
  'i',
  'ǆ',
  '$',
];

describe('inline scanner finds what the regex found', () => {
  it('on random text, for each replacement and set of user key names', () => {
    const scrubbers = REPLACEMENTS.flatMap((r) =>
      KEY_SETS.map((keys) => ({
        r,
        keys,
        ours: createInlineScrubber(r, keys),
        ref: referenceScrubber(r, keys),
      })),
    );
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...TOKENS), { maxLength: 24 }),
        fc.nat(scrubbers.length - 1),
        (tokens, which) => {
          const { ours, ref } = scrubbers[which]!;
          const text = tokens.join('');
          expect(ours(text)).toBe(ref(text));
        },
      ),
      { numRuns: 20000 },
    );
  });

  // With only plain names (ours, `x-tenant-key`), pairs are located from their separators; with
  // any other (`ß`), by the regex of inline-locator.ts: both ways here.
  it.each([[['ß']], [[]], [['x-tenant-key', 'x.cookie']]])(
    'on every UTF-16 code unit in every place of a pair (keys %j)',
    (keys) => {
      const ours = createInlineScrubber('[REDACTED]', keys);
      const ref = referenceScrubber('[REDACTED]', keys);
      for (let u = 0; u < 0x10000; u++) {
        const c = String.fromCharCode(u);
        const text = `${c}password${c}=${c}a${c}b cookie:${c} "x${c}" pwd="\\${c}" ${c}=v ß${c}:1 s${c} x${c}-tenant-key${c}]${c}"${c}:${c}v x.cookie:${c}a b Set-Cookie${c}=${c}"v${c}" db${c}PASSWORD${c}=>${c}x`;
        if (ours(text) !== ref(text)) expect(ours(text), `code unit ${u.toString(16)}`).toBe(ref(text));
      }
    },
  );

  it.each([
    ['password=hunter2 and more', 'password=[REDACTED] and more'],
    ['{"Token":"abc","x":1}', '{"Token":"[REDACTED]","x":1}'],
    ['Cookie: a=1; b=2\nnext', 'Cookie: [REDACTED]\nnext'],
    ['cookie: "unclosed', 'cookie:[REDACTED]"unclosed'],
    ['pwd="a\\"b" rest', 'pwd="[REDACTED]" rest'],
    ['token=REDACTED&token=[REDACTED]', 'token=REDACTED&token=[REDACTED]'],
    ['mypassword=x', 'mypassword=[REDACTED]'],
    ['passwordless=x tokens=3 password_policy: strict', 'passwordless=x tokens=3 password_policy: strict'],
    ['user[password]=x&{"user[token]":"y"}', 'user[password]=[REDACTED]&{"user[token]":"[REDACTED]"}'],
    [
      "'password' => 'x1', :token => \"t\", pwd=>x; password =>",
      "'password' => '[REDACTED]', :token => \"[REDACTED]\", pwd=>[REDACTED]; password =[REDACTED]",
    ],
    ['Cookie => a=1; b=2\n', 'Cookie => [REDACTED]\n'],
    // Go's `:=`, Make's `:=` (2026-12-07: `=` was taken for the value, `"hunter2"` went out).
    [
      'password := "hunter2"; PASSWORD := x y; token:=',
      'password := "[REDACTED]"; PASSWORD := [REDACTED] y; token:[REDACTED]',
    ],
    // Make's `?=` and `+=` (2026-12-07: `DB_PASSWORD ?= hunter2` and `TOKEN += abc` went out whole).
    [
      'DB_PASSWORD ?= hunter2\nTOKEN += abc; api_key?="x" RETRIES ?= 3',
      'DB_PASSWORD ?= [REDACTED]\nTOKEN += [REDACTED]; api_key?="[REDACTED]" RETRIES ?= 3',
    ],
    // A blank escaped by a backslash is the value's (a shell word): `hun\ ter2` went out as `[REDACTED] ter2`.
    [
      'password=hun\\ ter2 next; secret=a\\\tb\\ c d token=x\\',
      'password=[REDACTED] next; secret=[REDACTED] d token=[REDACTED]',
    ],
    // util.inspect's Buffer (its bytes spell the secret): `password=<Buffer 68 75 …>` kept `68 75 …>`.
    [
      "password=<Buffer 68 75 6e> x 'token' => <Buffer 61 ... 40 more bytes>, data=<Buffer 61>",
      "password=[REDACTED] x 'token' => [REDACTED], data=<Buffer 61>",
    ],
  ])('%s', (text, expected) => {
    const ours = createInlineScrubber('[REDACTED]', []);
    expect(ours(text)).toBe(expected);
    expect(referenceScrubber('[REDACTED]', [])(text)).toBe(expected);
  });

  // A user's single-part name that ends in one of our multi-part ones: the name that starts first
  // wins, so its value ends at the blank (the separator scan reads the names back from `:`).
  it.each([
    ['x.cookie: a b', 'x.cookie: [REDACTED] b'],
    ['my.cookie: a b', 'my.cookie: [REDACTED]'],
    ['tenant.x.cookie: a b', 'tenant.x.cookie: [REDACTED] b'],
  ])('user key x.cookie: %s', (text, expected) => {
    expect(createInlineScrubber('[REDACTED]', ['x.cookie'])(text)).toBe(expected);
    expect(referenceScrubber('[REDACTED]', ['x.cookie'])(text)).toBe(expected);
  });

  it.each([
    ['pwd="a"k=1', 'pwd="[REDACTED]"k=[REDACTED]'],
    ['k="a"k:1', 'k="[REDACTED]"k:[REDACTED]'],
  ])('user key k: %s', (text, expected) => {
    expect(createInlineScrubber('[REDACTED]', ['k'])(text)).toBe(expected);
    expect(referenceScrubber('[REDACTED]', ['k'])(text)).toBe(expected);
  });
});

// A JSON body quoted inside a JSON string (a logged request, an error's `data`) escapes its quotes:
// `{\"password\":\"hunter2\"}`. The name's closing quote was looked for unescaped, so the pair was
// not seen and the value went out; a value's own escapes (`\\\"`, `\\\\`, `\\n`) must not end it.
describe('escaped JSON inside text', () => {
  const scrub = createInlineScrubber('[REDACTED]', []);
  const reference = referenceScrubber('[REDACTED]', []);
  it.each([
    [
      '{\\"user\\":\\"bob\\",\\"password\\":\\"hunter2\\"}',
      '{\\"user\\":\\"bob\\",\\"password\\":\\"[REDACTED]\\"}',
    ],
    ['{\\"password\\":\\"a\\\\\\"b c\\"}', '{\\"password\\":\\"[REDACTED]\\"}'],
    ['{\\"password\\":\\"a\\\\\\\\\\",\\"n\\":1}', '{\\"password\\":\\"[REDACTED]\\",\\"n\\":1}'],
    ['{\\"token\\":\\"line\\\\nnext\\"}', '{\\"token\\":\\"[REDACTED]\\"}'],
    ['{\\"Cookie\\": \\"a=1; b=2\\", \\"x\\":1}', '{\\"Cookie\\": \\"[REDACTED]\\", \\"x\\":1}'],
    ['body="{\\"client_secret\\":\\"s3\\"}"', 'body="{\\"client_secret\\":\\"[REDACTED]\\"}"'],
    ['{\\"password\\":\\"x\\"', '{\\"password\\":\\"[REDACTED]\\"'],
  ])('%s', (input, expected) => {
    expect(scrub(input)).toBe(expected);
    expect(reference(input)).toBe(expected);
  });
});

// ODBC quotes a value holding `;` in braces, `}}` a `}` inside (`PWD={pa;ss}`): the value ended at
// the `;` and the rest of the password went out (2026-12-07: `Pwd=[REDACTED];ss};`).
describe('braced values', () => {
  const scrub = createInlineScrubber('[REDACTED]', []);
  const reference = referenceScrubber('[REDACTED]', []);
  const long = (n: number) => 'a'.repeat(n);
  it.each([
    ['Server=h;Uid=u;Pwd={pa;ss};Db=d', 'Server=h;Uid=u;Pwd={[REDACTED]};Db=d'],
    ['DRIVER={ODBC Driver 17};UID=sa;PWD={p;w}', 'DRIVER={ODBC Driver 17};UID=sa;PWD={[REDACTED]}'],
    ['password={a}}b;c} next', 'password={[REDACTED]} next'],
    // Not closed on its line: up to the `;`, as any value; closed only by its last `}}`.
    ['pwd={ab;cd\n}', 'pwd=[REDACTED];cd\n}'],
    ['pwd={ab}}cd', 'pwd={[REDACTED]}}cd'],
    // Longer than MAX_BRACED: read as an unbraced value.
    [`pwd={${long(256)}} x`, 'pwd={[REDACTED]} x'],
    [`pwd={${long(257)}} x`, 'pwd=[REDACTED]} x'],
  ])('%s', (input, expected) => {
    expect(scrub(input)).toBe(expected);
    expect(reference(input)).toBe(expected);
  });
});
