import type { Attributes } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

// A password-reset, verification, invitation or magic-login link carries its credential in the
// path, which the query rules never read: `url.full` and `url.path` exported it whole.
function scrubbed(key: string, value: string): unknown {
  const attributes: Attributes = { [key]: value };
  createRedactor().attributes(attributes);
  return attributes[key];
}

describe('credentials in URL paths', () => {
  it.each([
    [
      'url.full',
      'https://app.example.com/reset-password/8f14e45fceea167a5a36dedd4bea2543?utm=x',
      'https://app.example.com/reset-password/REDACTED?utm=x',
    ],
    ['url.path', '/api/v1/Invitations/aB3dE5fG7hJ9kL1mN3pQ/accept', '/api/v1/Invitations/REDACTED/accept'],
    ['http.target', '/verify-email/Zm9vYmFyYmF6cXV4MTIzNDU2?x=1', '/verify-email/REDACTED?x=1'],
    ['url.path', '/sessions/3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/', '/sessions/REDACTED/'],
    ['url.path', '/hooks/Zx9Yw8Vu7Ts6Rq5Po4Nm', '/hooks/REDACTED'],
    ['url.path', '/keys/a1b2c3d4e5f6g7h8/../x!y', '/keys/REDACTED/../x!y'],
    [
      'http.url',
      'http://u:p@h:8080/magic-link/Q1w2E3r4T5y6U7i8O9p0#x',
      'http://REDACTED:REDACTED@h:8080/magic-link/REDACTED#x',
    ],
    [
      'exception.message',
      'GET https://x.io/API-KEYS/k_9f8e7d6c5b4a39281706 failed',
      'GET https://x.io/API-KEYS/REDACTED failed',
    ],
    // A servlet container that cannot set its cookie rewrites every link with the session in a
    // path parameter (RFC 3986 §3.3), and PHP puts its own in the query under its own name: both
    // went out whole.
    ['url.full', 'https://h/cart;jsessionid=0A1B2C3D4E?x=1', 'https://h/cart;jsessionid=REDACTED?x=1'],
    ['url.full', 'https://h/a;v=2;token=abc123/b;sid=x', 'https://h/a;v=2;token=REDACTED/b;sid=REDACTED'],
    ['http.target', '/p.jsp;JSESSIONID=0A1B2C3D4E?token=t', '/p.jsp;JSESSIONID=REDACTED?token=REDACTED'],
    ['url.path', '/cart;jsessionid=0A1B2C3D4E', '/cart;jsessionid=REDACTED'],
    [
      'exception.message',
      'GET https://h/c;jsessionid=0A1B2C failed',
      'GET https://h/c;jsessionid=REDACTED failed',
    ],
    [
      'url.full',
      'https://h/?PHPSESSID=0A1B&session_id=2',
      'https://h/?PHPSESSID=REDACTED&session_id=REDACTED',
    ],
  ])('%s %s', (key, value, expected) => {
    expect(scrubbed(key, value)).toBe(expected);
  });

  it.each([
    // Path parameters that are no secret, and a `;` in the query (not a path parameter).
    ['url.full', 'https://h/map;lat=50;lng=8/tiles?a=1;b=2'],
    ['url.full', 'https://h/p?q=a;token=x'],
    // Not after a name that says credential, too short, not a token's characters, or no digit.
    ['url.path', '/orders/0123456789abcdef0123'],
    ['url.path', '/tokens/list'],
    ['url.path', '/reset-password/short1'],
    ['url.path', '/invite/accept-the-invitation-now'],
    ['url.full', 'https://example.com/token'],
    // A segment in the query is not the path.
    ['url.full', 'http://h/a?next=/token/abcdefghij0123456789'],
  ])('%s %s is kept', (key, value) => {
    expect(scrubbed(key, value)).toBe(value);
  });
});
