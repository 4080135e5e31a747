// A logged `res.getHeader('set-cookie')` or an HTTP client's error dump carried
// `connect.sid=s%3A…; Path=/; HttpOnly` without a `Set-Cookie:` name, and no rule knew the cookie's
// name, so the session went out whole.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

describe('cookies written as Set-Cookie values, in text', () => {
  const rows: [text: string, expected: string][] = [
    [
      'sent: connect.sid=s%3AabcDEF.sig; Path=/; HttpOnly, JSESSIONID=1A2B3C; path=/app; secure',
      'sent: connect.sid=[REDACTED]; Path=/; HttpOnly, JSESSIONID=[REDACTED]; path=/app; secure',
    ],
    [
      '["sid=abc==; Path=/; Expires=Wed, 21 Oct 2015 07:28:00 GMT; HttpOnly","theme=dark;SameSite=Lax"]',
      '["sid=[REDACTED]; Path=/; Expires=Wed, 21 Oct 2015 07:28:00 GMT; HttpOnly","theme=[REDACTED];SameSite=Lax"]',
    ],
    // No cookie attribute after it (or one in capitals, a shell line): kept.
    ['for (i=0; i<n; i++) FOO=bar; PATH=/bin; x=1;y=2', 'for (i=0; i<n; i++) FOO=bar; PATH=/bin; x=1;y=2'],
    ['sid=REDACTED; Path=/', 'sid=REDACTED; Path=/'],
  ];
  for (const [text, expected] of rows) it(text, () => expect(createRedactor().text(text)).toBe(expected));
});
