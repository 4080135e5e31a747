// Inputs built to make a backtracking scrubber retry from every repetition: each repeats the
// prefix (or a near miss) of one built-in pattern. Shared by test/unit/redaction/linear-time.test.ts and
// the bench's scrub group (bench/fixtures/scrub-micro.ts).
export type Mode = 'text' | 'url' | 'db';
/** The attribute key that makes the redactor treat a value as free text, a URL or SQL. */
export const KEY: Record<Mode, string> = { text: 'exception.message', url: 'url.full', db: 'db.statement' };

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
  ['URL scheme run, dots', 'a.', ['text'], '://x '],
  ['URL scheme run, dashes', 'a-', ['text'], '://x '],
  ['URLs', 'http://', ['text', 'url']],
  ['URL userinfo', 'a', ['url'], 'https://'],
  ['URL query', 'token=a&', ['url', 'text'], 'https://h/?'],
  ['SQL digits then a letter', '1', ['db'], '', 'x'],
  ['SQL unfinished string', "'a\\", ['db']],
  ['SQL double quotes', '"', ['db']],
  ['SQL dollar quotes', '$a', ['db']],
  ['SQL comments', '/*', ['db']],
  ['SQL backticks', '`', ['db']],
  ['SQL hex', '0x0-', ['db']],
];

/** `unit` repeated to `bytes` characters, between `prefix` and `suffix`. */
export function input(unit: string, bytes: number, prefix = '', suffix = ''): string {
  return prefix + unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes) + suffix;
}
