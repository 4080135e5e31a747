// Form-style field names (`user[password]=…`: qs, which express's extended body parser and many
// clients use, Rails, PHP) ended in `]`, so neither the `name=value` rules of text nor the query
// parameter rules saw a secret name: a logged form body or `?user[password]=…` in url.full kept it.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('form-style field names', () => {
  it.each([
    ['body: user[name]=bob&user[password]=hunter2', 'body: user[name]=bob&user[password]=[REDACTED]'],
    ['{"user[password]":"hunter2"}', '{"user[password]":"[REDACTED]"}'],
    ['credentials[api_key]: abc', 'credentials[api_key]: [REDACTED]'],
    ['items[0]=a&sort[name]=asc', 'items[0]=a&sort[name]=asc'],
  ])('in text: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it('in URLs and queries, escaped brackets too', () => {
    const attributes = {
      'url.full': 'https://h/login?user[password]=hunter2&user[name]=bob&auth[access_token]=t&items[]=1',
      'url.query': 'user%5Bpassword%5D=hunter2&page%5Bsize%5D=10',
    };
    redactor.attributes(attributes);
    expect(attributes).toEqual({
      'url.full':
        'https://h/login?user[password]=REDACTED&user[name]=bob&auth[access_token]=REDACTED&items[]=1',
      'url.query': 'user%5Bpassword%5D=REDACTED&page%5Bsize%5D=10',
    });
  });
});

// A list's items (`password[]=a&password[]=b`: PHP, qs) went out (2026-12-07): `[]` ended the name,
// in text and in a URL's query alike.
describe('form-style list items', () => {
  it.each([
    ['body: password[]=a&password[]=b&x=1', `body: password[]=${R}&password[]=${R}&x=1`],
    ['user[password][]=a', `user[password][]=${R}`],
    ['{"token[]":"a"}', `{"token[]":"${R}"}`],
    ['items[]=1&tags[]=a', 'items[]=1&tags[]=a'],
  ])('in text: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it('in URLs and queries, escaped brackets too', () => {
    const attributes = {
      'url.full': 'https://h/?password[]=a&password[]=b&user[token][]=c&items[]=1&[]=2',
      'url.query': 'api_key%5B%5D=a&page%5Bsize%5D%5B%5D=10',
    };
    redactor.attributes(attributes);
    expect(attributes).toEqual({
      'url.full': 'https://h/?password[]=REDACTED&password[]=REDACTED&user[token][]=REDACTED&items[]=1&[]=2',
      'url.query': 'api_key%5B%5D=REDACTED&page%5Bsize%5D%5B%5D=10',
    });
  });
});

// A secret name as a subscript's key, in code a stack trace or a log line quotes, kept its value
// (2026-12-07): the `]` after the name's closing quote ended the match.
describe('subscripts', () => {
  it.each([
    ["os.environ['PASSWORD'] = 'hunter2'", `os.environ['PASSWORD'] = '${R}'`],
    ["ENV['DB_PASSWORD'] = 'hunter2'", `ENV['DB_PASSWORD'] = '${R}'`],
    ['headers["X-Api-Key"] = "abc123def"', `headers["X-Api-Key"] = "${R}"`],
    ["config['db']['token'] => 'x'", `config['db']['token'] => '${R}'`],
    ["os.environ['HOME'] = '/root'", "os.environ['HOME'] = '/root'"],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });
});
