// `user:password` under an `auth` key went out whole (2026-12-07): Node's `http.request({ auth })`
// options and the legacy `url.parse()` result as util.inspect prints them (a failed request's
// options logged), `proxyAuth`, `PROXY_AUTH=…`, and Docker's config.json, whose `auth` is
// `user:password` in base64. `auth` alone is no secret name (`auth: 'none'`), so no rule saw it.

import { parse } from 'node:url';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe("a user's password under an auth key", () => {
  it.each([
    ["{ host: 'api', auth: 'bob:hunter2', path: '/' }", `{ host: 'api', auth: 'bob:${R}', path: '/' }`],
    ['{"auth":"bob:p@ss:word"}', `{"auth":"bob:${R}"}`],
    ["{ proxyAuth: 'bob:hunter2' }", `{ proxyAuth: 'bob:${R}' }`],
    ['basic_auth="bob:two words"', `basic_auth="bob:${R}"`],
    ['PROXY_AUTH=bob:hunter2 ./run', `PROXY_AUTH=bob:${R} ./run`],
    ['auth: admin:hunter2', `auth: admin:${R}`],
    ["{ auth: ':hunter2' }", `{ auth: ':${R}' }`],
    // Cut short: the rest of the line.
    ["{ auth: 'bob:hunt", `{ auth: 'bob:${R}`],
    // Docker's config.json: base64 of `bob:hunter2`, hidden whole.
    [
      '{"auths":{"r.example.com":{"auth":"Ym9iOmh1bnRlcjI="}}}',
      `{"auths":{"r.example.com":{"auth":"${R}"}}}`,
    ],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it("url.parse()'s result as util.inspect prints it", () => {
    const out = redactor.text(inspect(parse('https://bob:hunter2@api.example.com/x')));
    expect(out).not.toContain('hunter2');
    expect(out).toContain(`auth: 'bob:${R}'`);
  });

  it.each([
    "{ auth: 'none' }",
    'auth=basic',
    "{ auth: 'required' }",
    "{ oauth: 'a:b', OAuth: 'c:d' }",
    "{ authority: 'api.example.com:443' }",
    "{ auth: 'see docs: below' }",
    // Base64 that is no `user:password`: a word, or bytes that are no text.
    '{"auth":"dGVzdA=="}',
    '{"auth":"AAECAwQFBgc="}',
    '{"auth":"Ym9iOg=="}',
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });
});
