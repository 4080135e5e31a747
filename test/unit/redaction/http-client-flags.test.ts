// Credentials HTTP clients take in flags whose names say nothing secret went out (2026-12-07):
// curl's `-b 'sid=…'` (`--cookie` was hidden, its short form not), its client certificate's
// password (`-E cert.pem:pw`, `--cert`, `--proxy-cert`), HTTPie's `http -a bob:pw`.
import { describe, expect, it } from 'vitest';
import { scrubArgs } from '../../../src/redaction/args.js';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe("HTTP clients' credential flags", () => {
  it.each([
    ["curl -b 'sid=hunter2; lang=en' https://x", `curl -b '${R}' https://x`],
    ['curl -sS -b sid=hunter2 https://x', `curl -sS -b ${R} https://x`],
    ['curl -E cert.pem:hunter2 https://x', `curl -E cert.pem:${R} https://x`],
    ["curl --cert 'C:\\certs\\c.pem:two words' https://x", `curl --cert 'C:\\certs\\c.pem:${R}' https://x`],
    ['curl --proxy-cert c.pem:hunter2 -x p https://x', `curl --proxy-cert c.pem:${R} -x p https://x`],
    ['/usr/bin/curl -E c.pem:hunter2 https://x', `/usr/bin/curl -E c.pem:${R} https://x`],
    ['grep -E a:b f; curl -E c.pem:hunter2 https://x', `grep -E a:b f; curl -E c.pem:${R} https://x`],
    ['http -a bob:hunter2 GET https://x', `http -a bob:${R} GET https://x`],
    ['https --auth bob:hunter2 https://x', `https --auth bob:${R} https://x`],
    ['http --auth=bob:hunter2 https://x', `http --auth=bob:${R} https://x`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    'curl -b cookies.txt -c jar.txt https://x',
    'curl --cert C:\\certs\\c.pem https://x',
    'curl -E c.pem https://x',
    "curl -s https://x | grep -E 'a:b'",
    "curl https://x\ngrep -E 'a:b' f",
    'see https://x -a b:c',
    'httpd -a b:c',
    'ls -a b:c',
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it('in an argument list', () => {
    const scrub = (args: string[]) => scrubArgs(args, redactor, R);
    expect(scrub(['curl', '-b', 'sid=hunter2', '-E', 'c.pem:pw', 'https://x'])).toEqual([
      'curl',
      '-b',
      R,
      '-E',
      `c.pem:${R}`,
      'https://x',
    ]);
    expect(scrub(['http', '-a', 'bob:hunter2', 'https://x'])).toEqual([
      'http',
      '-a',
      `bob:${R}`,
      'https://x',
    ]);
    const kept = ['curl', '-b', 'cookies.txt', 'https://x'];
    expect(scrub(kept)).toEqual(kept);
    const grep = ['grep', '-E', 'a:b', 'f'];
    expect(scrub(grep)).toEqual(grep);
  });
});
