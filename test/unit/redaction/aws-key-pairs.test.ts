// A bare AWS secret access key, with no name before it, went out whole (2026-12-07) where its
// access key id was hidden: `AKIA… wJalr…` in a pasted credentials line, `AKIA…,wJalr…` from the
// console's credentials.csv. The key is only 40 characters of [A-Za-z0-9/+], as a git SHA, a
// base64 blob or a path can be, so, as secret scanners do (trufflehog pairs it with an id found
// near it; detect-secrets and gitleaks' old rule want `aws` or `secret` before it), it is taken
// only right after an access key id (AKIA…, ASIA…): a few characters apart, none a letter or digit.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';
const KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('an AWS secret access key after its access key id', () => {
  it.each([
    [`keys AKIAIOSFODNN7EXAMPLE ${KEY}`, `keys ${R} ${R}`],
    [`AKIAIOSFODNN7EXAMPLE,${KEY}`, `${R},${R}`],
    [`bob,,AKIAIOSFODNN7EXAMPLE,${KEY},https://console`, `bob,,${R},${R},https://console`],
    [`creds: ASIAIOSFODNN7EXAMPLE / ${KEY}`, `creds: ${R} / ${R}`],
    [`"AKIAIOSFODNN7EXAMPLE", "${KEY}"`, `"${R}", "${R}"`],
    [`| AKIAIOSFODNN7EXAMPLE | ${KEY} |`, `| ${R} | ${R} |`],
    [`AKIAIOSFODNN7EXAMPLE:${KEY}`, `${R}:${R}`],
    // A key that starts with `/` or `+`.
    [`AKIAIOSFODNN7EXAMPLE /${KEY.slice(1)}`, `${R} ${R}`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  const SHA = '0123456789abcdef0123456789abcdef01234567';
  const B64 = 'dGhpcyBpcyBub3QgYSBzZWNyZXQgYXQgYWxsIQ==';
  it.each([
    // Without an access key id before it: a git SHA, base64, a path, the same 40 characters.
    [`commit ${SHA} (HEAD -> main)`, `commit ${SHA} (HEAD -> main)`],
    [`payload ${B64.slice(0, 40)}`, `payload ${B64.slice(0, 40)}`],
    ['/usr/local/lib/node_modules/npm/bin/npm-cli', '/usr/local/lib/node_modules/npm/bin/npm-cli'],
    [`uploaded ${KEY}`, `uploaded ${KEY}`],
    // After an id, but a run of more or fewer than 40, or words in between: kept.
    [`AKIAIOSFODNN7EXAMPLE ${KEY}A`, `${R} ${KEY}A`],
    [`AKIAIOSFODNN7EXAMPLE ${KEY.slice(1)}`, `${R} ${KEY.slice(1)}`],
    [`AKIAIOSFODNN7EXAMPLE ${B64}`, `${R} ${B64}`],
    [`AKIAIOSFODNN7EXAMPLE was rotated, commit ${SHA}`, `${R} was rotated, commit ${SHA}`],
    [`AKIAIOSFODNN7EXAMPLE\n${SHA}`, `${R}\n${SHA}`],
    // A role id (AROA…) has no secret key.
    [`AROAIOSFODNN7EXAMPLE ${SHA}`, `${R} ${SHA}`],
  ])('kept: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });
});
