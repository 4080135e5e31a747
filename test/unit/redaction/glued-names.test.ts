// A secret name had to start after a character that is not a letter or digit, so the names
// environment variables and camelCase keys glue to a word went out whole: `PGPASSWORD=s3cr3t` on a
// logged command line, `MYSQL_PWD`, `DBPASSWORD`, `REDIS_PASS` (no name `pass` at all), `MYTOKEN`,
// `dbPassword` as an attribute key, `?dbpassword=` in a URL.
import { describe, expect, it } from 'vitest';
import { scrubArgs } from '../../../src/redaction/args.js';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();

describe('names glued to a word before them', () => {
  it.each([
    ['PGPASSWORD=s3cr3t psql -h db', 'PGPASSWORD=[REDACTED] psql -h db'],
    ['env: MYSQL_PWD=s3cr3t DBPASSWORD=s3cr3t', 'env: MYSQL_PWD=[REDACTED] DBPASSWORD=[REDACTED]'],
    ['REDIS_PASS=s3cr3t pass=s3cr3t', 'REDIS_PASS=[REDACTED] pass=[REDACTED]'],
    ['MYTOKEN=abc GITHUBTOKEN: abc', 'MYTOKEN=[REDACTED] GITHUBTOKEN: [REDACTED]'],
    ['{"dbPassword":"s3cr3t","userApiKey":"k"}', '{"dbPassword":"[REDACTED]","userApiKey":"[REDACTED]"}'],
    ['awsSecretKey=abc stripeSecret=abc', 'awsSecretKey=[REDACTED] stripeSecret=[REDACTED]'],
    // No separator after the name, or a name that only starts the word: kept.
    [
      'passwordless=true tokens=3 password_policy=strict',
      'passwordless=true tokens=3 password_policy=strict',
    ],
    ['keyboard=us turkey=1', 'keyboard=us turkey=1'],
  ])('in text: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it('in process.command_args', () => {
    expect(
      scrubArgs(['env', 'PGPASSWORD=s3cr3t', 'REDIS_PASS=x', 'node', 'app.js'], redactor, '[REDACTED]'),
    ).toEqual(['env', 'PGPASSWORD=[REDACTED]', 'REDIS_PASS=[REDACTED]', 'node', 'app.js']);
  });

  it('as attribute keys and URL query parameters', () => {
    const attributes = {
      'config.dbPassword': 's3cr3t',
      'env.PGPASSWORD': 's3cr3t',
      'app.apiToken': 't',
      'config.passwordless': 'true',
      'url.full': 'https://h/cb?dbpassword=s3cr3t&sessionToken=t&page=2',
    };
    redactor.attributes(attributes);
    expect(attributes).toEqual({
      'config.dbPassword': '[REDACTED]',
      'env.PGPASSWORD': '[REDACTED]',
      'app.apiToken': '[REDACTED]',
      'config.passwordless': 'true',
      'url.full': 'https://h/cb?dbpassword=REDACTED&sessionToken=REDACTED&page=2',
    });
  });
});
