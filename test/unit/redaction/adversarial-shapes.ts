// Inputs built to make a backtracking scrubber retry from every repetition: each repeats the
// prefix (or a near miss) of one built-in pattern. Shared by test/unit/redaction/linear-time.test.ts and
// the bench's scrub group (bench/fixtures/scrub-micro.ts).
export type Mode = 'text' | 'url' | 'query' | 'db';
/** The attribute key that makes the redactor treat a value as free text, a URL or SQL. */
export const KEY: Record<Mode, string> = {
  text: 'exception.message',
  url: 'url.full',
  query: 'url.query',
  db: 'db.statement',
};

/** [name, repeated unit, attribute kinds it is scrubbed as, prefix, suffix] */
export const SHAPES: [string, string, Mode[], string?, string?][] = [
  ['auth scheme', 'Bearer ', ['text']],
  ['auth scheme, tabs', 'Token\t', ['text']],
  ['unfinished JWT', 'eyJ-', ['text', 'url']],
  ['unfinished JWT, word chars', 'eyJab_cd-', ['text', 'url']],
  ['JWT, one segment', 'eyJaaaaa.', ['text']],
  ['AWS key id', 'AKIA', ['text']],
  ['PEM header', '-----BEGIN ', ['text']],
  ['PEM header, words', '-----BEGIN A ', ['text']],
  ['PEM, unfinished END', '-----END A ', ['text'], '-----BEGIN PRIVATE KEY-----\n'],
  ['GitHub token', 'ghp_', ['text']],
  ['GitHub PAT', 'github_pat_', ['text']],
  ['Slack token', 'xoxb-', ['text']],
  ['Stripe key', 'sk_live_', ['text']],
  ['Google API key', 'AIza', ['text']],
  ['card digits', '4111 ', ['text']],
  ['card digits, dashes', '41111111-', ['text']],
  ['inline pair', 'password=', ['text']],
  ['inline quoted', 'token="', ['text']],
  ['inline quoted, single', "token='", ['text']],
  ['inline multi-part', 'cookie: "', ['text']],
  ['inline escapes', 'pwd="\\', ['text']],
  ['inline spaces', 'password:   ', ['text']],
  ['inline escaped quotes', '\\"pwd\\":\\"', ['text']],
  ['inline escaped, escapes', 'pwd=\\"\\\\\\', ['text']],
  ['inline escaped, cookie', 'cookie: \\"a\\\\b', ['text'], '', '"'],
  ['Set-Cookie values', 'a=b; Path=/; ', ['text']],
  ['Set-Cookie attributes only', '; HttpOnly', ['text']],
  [
    'Set-Cookie, long runs',
    'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; Secure',
    ['text'],
  ],
  ['XML elements', '<password>a</password>', ['text']],
  ['XML open tags', '<password>', ['text']],
  ['XML attributes, unclosed', '<password a=', ['text']],
  [
    'XML long names',
    '<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    ['text'],
  ],
  ['URL scheme run, dots', 'a.', ['text'], '://x '],
  ['URL scheme run, dashes', 'a-', ['text'], '://x '],
  ['URLs', 'http://', ['text', 'url']],
  ['URL userinfo', 'a', ['url'], 'https://'],
  ['URL userinfo, at signs', 'a@', ['url', 'text'], 'https://'],
  ['URL userinfo, at signs then a path', 'a@:', ['url', 'text'], 'https://', '/x'],
  ['URL query', 'token=a&', ['url', 'text'], 'https://h/?'],
  ['SQL digits then a letter', '1', ['db'], '', 'x'],
  ['SQL unfinished string', "'a\\", ['db']],
  ['SQL double quotes', '"', ['db']],
  ['SQL dollar quotes', '$a', ['db']],
  ['SQL comments', '/*', ['db']],
  ['SQL backticks', '`', ['db']],
  ['SQL hex', '0x0-', ['db']],
  // Many short secrets and near misses (2026-12-03): a replacement or a failed check per few bytes.
  ['URL query, plain params', 'a=1&', ['url', 'query', 'text'], 'https://h/?'],
  ['URL query, encoded pairs', 'n=%3Ftoken%3Da%26b%3D1&', ['url', 'query', 'text'], 'https://h/?'],
  ['URL query, encoded equals', '%3D', ['url', 'query'], 'https://h/?n='],
  ['URL query, one encoded equals at the end', 'a=1&', ['url', 'query'], 'https://h/?', 'n=%3Dx'],
  [
    'URL query, near-secret name ends',
    '-_-_-_-_-_-_-_-_-_-_-tokeN=1&_x_pwe=1&',
    ['url', 'query'],
    'https://h/?',
  ],
  ['URL query, escaped names', 'to%6Ben=a&', ['url', 'query'], 'https://h/?'],
  ['URL query, upper-case names', 'TOKEN=a&', ['url', 'query'], 'https://h/?'],
  ['URL query, separators', '=&', ['url', 'query', 'text'], 'https://h/?'],
  ['URL query, malformed escapes', '%=a&to%zz=a&', ['url', 'query'], 'https://h/?'],
  ['URL query, non-ASCII names', 'tök%C3%A9n=a&', ['url', 'query'], 'https://h/?'],
  ['percent escapes', '%41%&', ['url', 'text'], 'https://h/?'],
  ['nested URLs', 'https://u:p@h/?token=a&b=1&next=', ['url', 'text']],
  ['many pairs', 'password=a ', ['text']],
  ['JSON in text', '{"token":"a","x":1},', ['text']],
  ['cookie lines', 'Cookie: a=1; b=2\n', ['text']],
  ['separator runs', ':=', ['text']],
  ['unicode text', 'ü€ pässword=é token:😀 ', ['text', 'url']],
  ['card numbers', '4111111111111111 ', ['text']],
  ['AWS key ids', 'AKIAABCDEFGHIJKLMNOP ', ['text']],
  ['JWTs', 'eyJhbGciOi.eyJzdWIiOi.sig ', ['text']],
  ['bearer tokens', 'Bearer abcdefgh ', ['text']],
  ['SQL literals', "x='a' AND y=1 OR ", ['db']],
];

/** `unit` repeated to `bytes` characters, between `prefix` and `suffix`. */
export function input(unit: string, bytes: number, prefix = '', suffix = ''): string {
  return prefix + unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes) + suffix;
}
