// A `Cookie` header value kept under a key of the app's own (`cookies`, `request.cookie_string`)
// or named `cookies:` in a message went out whole: `sid=abc123def; theme=dark` has no Set-Cookie
// attribute after it (set-cookie.ts) and no secret name (inline.ts). Ordinary `a=b; c=d` text
// elsewhere must stay as it is.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();

describe('cookie header values', () => {
  it('under a key that says cookies: each value replaced, names kept; another form whole', () => {
    const attributes = {
      cookies: 'sid=abc123def; theme=dark',
      'app.cookie_header': 'sid=abc123def; theme=dark',
      'request.cookie_string': 'sid=abc123def;JSESSIONID=1A2B',
      'app.sessionCookies': ['sid=abc', 'a=1; b=2'],
      'req.cookie_json': '{"sid":"abc123def"}',
      'cookie.count': 2,
      'db.query.text': 'UPDATE t SET a=1; SELECT c FROM d',
      'app.note': 'sid=abc123def; theme=dark',
    };
    redactor.attributes(attributes);
    expect(attributes).toEqual({
      // A key that ends in `cookies`, as one in `cookie`, is secret whole.
      cookies: '[REDACTED]',
      'app.cookie_header': 'sid=[REDACTED]; theme=[REDACTED]',
      'request.cookie_string': 'sid=[REDACTED];JSESSIONID=[REDACTED]',
      'app.sessionCookies': ['sid=[REDACTED]', 'a=[REDACTED]; b=[REDACTED]'],
      'req.cookie_json': '[REDACTED]',
      'cookie.count': 2,
      'db.query.text': 'UPDATE t SET a=?; SELECT c FROM d',
      'app.note': 'sid=abc123def; theme=dark',
    });
  });

  it.each([
    ['request failed, cookies: sid=abc123def; theme=dark\nnext', 'request failed, cookies: [REDACTED]\nnext'],
    ['{"Cookies":"sid=abc123def; theme=dark"}', '{"Cookies":"[REDACTED]"}'],
  ])('named cookies in text: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });
});
