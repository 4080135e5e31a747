import { describe, expect, it } from 'vitest';
import { redactQuery, redactUrl, redactUrlsInText } from '../../../src/redaction/url.js';

describe('redactUrl (opentelemetry-js #5741, semconv url.full)', () => {
  it.each([
    ['https://user:pa55@example.com/path', 'https://REDACTED:REDACTED@example.com/path'],
    ['https://token@example.com/', 'https://REDACTED:REDACTED@example.com/'],
    ['https://example.com/p?a=1&token=abc&b=2', 'https://example.com/p?a=1&token=REDACTED&b=2'],
    ['/p?Access_Token=abc#frag', '/p?Access_Token=REDACTED#frag'],
    ['/cb#access_token=abc&state=x', '/cb#access_token=REDACTED&state=x'],
    [
      'https://s3.amazonaws.com/b/k?X-Amz-Credential=AK%2F1&X-Amz-Signature=deadbeef&X-Amz-Expires=60',
      'https://s3.amazonaws.com/b/k?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Expires=60',
    ],
    [
      'https://example.com/p?sig=1&code=2&client_secret=3&x-goog-signature=4',
      'https://example.com/p?sig=REDACTED&code=REDACTED&client_secret=REDACTED&x-goog-signature=REDACTED',
    ],
    ['https://example.com/p?page=2', 'https://example.com/p?page=2'],
    ['https://example.com/a@b', 'https://example.com/a@b'],
  ])('%s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it('scrubs bare queries and custom parameter names', () => {
    expect(redactQuery('a=1&PASSWORD=x')).toBe('a=1&PASSWORD=REDACTED');
    expect(redactQuery('tenant=7', new Set(['tenant']))).toBe('tenant=REDACTED');
  });

  it('scrubs URLs inside free text', () => {
    expect(redactUrlsInText('connect to postgres://app:s3cret@db:5432/x failed')).toBe(
      'connect to postgres://REDACTED:REDACTED@db:5432/x failed',
    );
  });
});

describe('redactQuery', () => {
  it('handles a leading "?" as the undici instrumentation reports url.query', async () => {
    const { redactQuery } = await import('../../../src/redaction/url.js');
    expect(redactQuery('?api_key=s3cr3t&page=1')).toBe('?api_key=REDACTED&page=1');
    expect(redactQuery('api_key=s3cr3t&page=1')).toBe('api_key=REDACTED&page=1');
  });
});
