// The auth-scheme pattern (`Bearer <token>`, `Basic <base64>`, `Token <t>`…, defaults.ts) read any
// word of six letters or more after the scheme's name as a credential, so ordinary auth errors
// lost their words (2026-12-07): `token expired for user bob` went out as `[REDACTED] for user bob`,
// `Basic authentication failed` as `[REDACTED] failed`. It also read a flag's dash as a value:
// `consul acl token -token abc123def` went out as `consul acl [REDACTED] abc123def`, the secret
// kept, and `kubectl --token eyJ…` lost the flag's name (`kubectl --[REDACTED]`).
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('auth schemes in text', () => {
  it.each([
    'token expired for user bob',
    'the token expired; bearer token missing',
    'Basic authentication failed for user bob',
    'Basic Authentication required',
    'Negotiate protocol version failed; NTLM authentication failed',
    'Token verification failed',
  ])('prose kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it.each([
    ['consul acl token -token abc123def', `consul acl token -token ${R}`],
    [
      'kubectl --token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefSIG get pods',
      `kubectl --token ${R} get pods`,
    ],
    ['kubectl --token abcdef123 get pods', `kubectl --token ${R} get pods`],
  ])('a flag keeps its name: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    // Credentials: digits, capitals inside, punctuation, padding, or longer than a word.
    ['auth Bearer abc.def-123456', `auth ${R}`],
    ['Bearer abcdef123456', R],
    ['Bearer abcdefghijklmnopqrstuvwxyz', R],
    ['sent Basic dXNlcjpwYXNz', `sent ${R}`],
    ['Basic Ym9iOnB3 and Basic bG9naW46cGFzcw==', `${R} and ${R}`],
    ['Token Abcdef-gh', R],
    // A header name ending in a scheme's name, logged without its colon.
    ['X-Auth-Token abc123def456', `X-Auth-${R}`],
  ])('replaced: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });
});
