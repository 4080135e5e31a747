// `req.rawHeaders` is a flat list, name then value. Logged (JSON or util.inspect) or kept as an
// array attribute, it carried the values of X-Api-Key and Cookie out: a `,` separates a name from
// its value, which no `name=value` rule reads, and array elements were scrubbed without their name.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();

describe('raw header lists', () => {
  it.each([
    [
      'raw headers: ["Host","api.acme.io","X-Api-Key","k3y-abc123","Cookie","sid=abc; theme=dark"]',
      'raw headers: ["Host","api.acme.io","X-Api-Key","[REDACTED]","Cookie","[REDACTED]"]',
    ],
    ["[ 'Host', 'h', 'x-api-key', 'k3y-abc123' ]", "[ 'Host', 'h', 'x-api-key', '[REDACTED]' ]"],
    // Not a secret header's name, or not a quoted pair: kept.
    [
      '["Accept","*/*","X-Request-Id","r-1"] cookie, "x"',
      '["Accept","*/*","X-Request-Id","r-1"] cookie, "x"',
    ],
  ])('in text: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it('as an array attribute: the value after a secret name at an even index', () => {
    const attributes = {
      'http.raw_headers': [
        'Host',
        'h',
        'X-Api-Key',
        'k3y-abc123',
        'Cookie',
        'sid=abc; theme=dark',
        'Accept',
        '*/*',
      ],
      'app.words': ['a', 'cookie', 'b'],
    };
    redactor.attributes(attributes);
    expect(attributes).toEqual({
      'http.raw_headers': ['Host', 'h', 'X-Api-Key', '[REDACTED]', 'Cookie', '[REDACTED]', 'Accept', '*/*'],
      'app.words': ['a', 'cookie', 'b'],
    });
  });
});
