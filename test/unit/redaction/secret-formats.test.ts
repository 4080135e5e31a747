// A PGP private key (`-----BEGIN PGP PRIVATE KEY BLOCK-----`) did not match the PEM pattern, which
// wanted `PRIVATE KEY-----`; an Authorization value logged on its own was replaced for Bearer,
// Basic, Digest and Token only, so Elasticsearch's `ApiKey <base64>`, Okta's `SSWS <token>` and
// Kerberos/NTLM blobs went out.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();

describe('more secret formats in text', () => {
  it.each([
    [
      'key:\n-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF0\n=abc\n-----END PGP PRIVATE KEY BLOCK-----\nnext',
      'key:\n[REDACTED]\nnext',
    ],
    ['es auth: ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==', 'es auth: [REDACTED]'],
    ['okta: SSWS 00QCjAl4MlV-WPXM-ABCDEFGHIJKL', 'okta: [REDACTED]'],
    ['header Negotiate YIIGhgYGKwYBBQUCoIIGejCCBnag', 'header [REDACTED]'],
    // HTTP Digest: its parameters, not only the first name (`Digest username=` was replaced, the
    // response kept); prose with the word is kept.
    [
      'Authorization: Digest username="bob", realm="api", nonce="dcd98b7102dd2f0e", uri="/", response="6629fae49393a05397450978507c4ef1"',
      'Authorization: [REDACTED]',
    ],
    ['retry with digest response="6629fae49393a05397450978507c4ef1", nc=00000001', 'retry with [REDACTED]'],
    ['sent the weekly digest to 500 users', 'sent the weekly digest to 500 users'],
    // Azure API Management's key header and a session id, in an error message or a log line.
    [
      'request failed: Ocp-Apim-Subscription-Key: 0123456789abcdef0123456789abcdef',
      'request failed: Ocp-Apim-Subscription-Key: [REDACTED]',
    ],
    [
      'login ok session_id=a8f5f167f44f4964e6c998dee827110c user=bob',
      'login ok session_id=[REDACTED] user=bob',
    ],
    ['{"sessionId":"a8f5f167f44f4964e6c998dee827110c"}', '{"sessionId":"[REDACTED]"}'],
    // A public key block, or the word alone: kept.
    ['-----BEGIN PGP PUBLIC KEY BLOCK-----', '-----BEGIN PGP PUBLIC KEY BLOCK-----'],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });
});

// npm's legacy `_auth` (base64 of `user:password`) in an `.npmrc` line quoted by an install error
// went out whole (2026-12-07): `_authToken=` and `_password=` were scrubbed, `_auth=` was not.
describe("npm's _auth", () => {
  it.each([
    ['//registry.npmjs.org/:_auth=dXNlcjpwYXNz', '//registry.npmjs.org/:_auth=[REDACTED]'],
    [
      'npm ERR! config: //nexus.corp/repository/npm/:_auth = "dXNlcjpwYXNz"',
      'npm ERR! config: //nexus.corp/repository/npm/:_auth = "[REDACTED]"',
    ],
    ['npm_config__auth=dXNlcjpwYXNz npm ci', 'npm_config__auth=[REDACTED] npm ci'],
    // Other names ending in `auth` are no secret names.
    ['basic_auth=true has_auth: yes oauth=x auth=none', 'basic_auth=true has_auth: yes oauth=x auth=none'],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });
});

// Keys that sign or encrypt, in a config dump or an env listing, went out whole (2026-12-07): their
// names end in `key`, which alone names no secret (`cache_key`, `public_key`).
describe('signing, HMAC, encryption and master keys', () => {
  it('are replaced, in any of the ways names are written', () => {
    expect(
      redactor.text(
        'env: SECRET_KEY_BASE=6f2a9b8c RAILS_MASTER_KEY=0123abcd JWT_SIGNING_KEY=abc hmac_key=ghi ENCRYPTION_KEY="k" ' +
          '{"encryptionKey":"k2","signingKey":"k3"} secret_key_base: 6f2a9b8c7d1e',
      ),
    ).toBe(
      'env: SECRET_KEY_BASE=[REDACTED] RAILS_MASTER_KEY=[REDACTED] JWT_SIGNING_KEY=[REDACTED] hmac_key=[REDACTED] ' +
        'ENCRYPTION_KEY="[REDACTED]" {"encryptionKey":"[REDACTED]","signingKey":"[REDACTED]"} secret_key_base: [REDACTED]',
    );
  });

  it('other keys are kept', () => {
    const text =
      'cache_key=user:1 public_key=ssh-rsa sort_key=a primary_key=id encryption_key_id=k1 master_keys=3';
    expect(redactor.text(text)).toBe(text);
  });
});
