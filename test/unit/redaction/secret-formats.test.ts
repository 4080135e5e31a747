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
    // A public key block, or the word alone: kept.
    ['-----BEGIN PGP PUBLIC KEY BLOCK-----', '-----BEGIN PGP PUBLIC KEY BLOCK-----'],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });
});
