// An AWS credentials object logged or quoted in an error (`{ accessKeyId, secretAccessKey,
// sessionToken }`) went out with its secret: the key id matched its format and the session token
// a name, but `secretAccessKey` ended in no secret name. Azure connection strings likewise kept
// `AccountKey=` and `SharedAccessKey=`.
// 2026-12-06, evening: an AWS secret after its name and a blank (`AWS_SECRET_ACCESS_KEY wJalr…`, a
// tab, `aws-secret-access-key:`), and an Azure SAS signature outside a URL (`…&sig=…` in a
// connection string's `SharedAccessSignature=`, a Service Bus token) went out whole.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();

describe('cloud credentials by name', () => {
  it.each([
    [
      '{"accessKeyId":"AKIAABCDEFGHIJKLMNOP","secretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}',
      '{"accessKeyId":"[REDACTED]","secretAccessKey":"[REDACTED]"}',
    ],
    ["{ secretAccessKey: 'wJalrXUtnFEMI/K7MDENG' }", "{ secretAccessKey: '[REDACTED]' }"],
    [
      'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=abcDEF123==;EndpointSuffix=core.windows.net',
      'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=[REDACTED];EndpointSuffix=core.windows.net',
    ],
    // Read as a URL with path parameters (`sb://…/;SharedAccessKey=…`), scrubbed as URLs are, with
    // the semantic conventions' literal `REDACTED` (url.test.ts, path parameters).
    [
      'Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=abcDEF123=',
      'Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=REDACTED',
    ],
  ])('in text: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it('as attribute keys', () => {
    const attributes = {
      'aws.secretAccessKey': 'x',
      'storage.accountKey': 'y',
      'aws.accessKeyId': 'AKIA-like id',
    };
    redactor.attributes(attributes);
    expect(attributes).toEqual({
      'aws.secretAccessKey': '[REDACTED]',
      'storage.accountKey': '[REDACTED]',
      'aws.accessKeyId': 'AKIA-like id',
    });
  });
});

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SIG = 'Xq3b8k2Jm%2BYv9L0pQw1eRt5uIo7aSdFgHjKlZxCvBnM%3D';
const AMZ_SIG = 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';

describe('cloud credentials in other shapes', () => {
  it.each([
    [`AWS_SECRET_ACCESS_KEY ${SECRET}`, 'AWS_SECRET_ACCESS_KEY [REDACTED]'],
    [`aws_secret_access_key\t${SECRET}\n`, 'aws_secret_access_key\t[REDACTED]\n'],
    [`SecretAccessKey   ${SECRET}.`, 'SecretAccessKey   [REDACTED].'],
    [`aws-secret-access-key: ${SECRET}`, 'aws-secret-access-key: [REDACTED]'],
    [
      `BlobEndpoint=https://acme.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2026-01-01T00:00:00Z&sig=${SIG}`,
      'BlobEndpoint=https://acme.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2026-01-01T00:00:00Z&sig=[REDACTED]',
    ],
    [
      `SharedAccessSignature sr=acme.servicebus.windows.net&sig=${SIG}&se=1700000000&skn=Root`,
      'SharedAccessSignature sr=acme.servicebus.windows.net&sig=[REDACTED]&se=1700000000&skn=Root',
    ],
    ['sig=Xq3b8k2Jm+Yv9L0pQw1eRt5uIo7aSdFgHjKlZxCvBnM= expired', 'sig=[REDACTED] expired'],
    // An S3 presigned URL's path and query, without the scheme and host (2026-12-06, night).
    [
      `GET /bucket/key?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&X-Amz-Signature=${AMZ_SIG} 403`,
      'GET /bucket/key?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&X-Amz-Signature=[REDACTED] 403',
    ],
    [
      `signature mismatch: x-amz-signature=${AMZ_SIG.toUpperCase()}.`,
      'signature mismatch: x-amz-signature=[REDACTED].',
    ],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    'aws_secret_access_key is not set; SECRET_ACCESS_KEY missing from env',
    'kill sig=9, sig=SIGTERM, sig=abc, signal sig=15',
    'rsa_sig=0123456789 and git sig=ok',
    `X-Amz-Signature=missing, X-Amz-Signature=${'a'.repeat(63)}, X-Amz-Signature=${'a'.repeat(65)}`,
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });
});
