// An AWS credentials object logged or quoted in an error (`{ accessKeyId, secretAccessKey,
// sessionToken }`) went out with its secret: the key id matched its format and the session token
// a name, but `secretAccessKey` ended in no secret name. Azure connection strings likewise kept
// `AccountKey=` and `SharedAccessKey=`.
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
