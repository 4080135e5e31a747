import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

// `password: correct horse battery staple` scrubbed `correct` only: an unquoted value ended at the
// first space. After a passphrase-like name and a colon, the words on the line are the value.
describe('passphrases after `name:`', () => {
  const redactor = createRedactor();

  it.each([
    ['password: correct horse battery staple', 'password: [REDACTED]'],
    ['login failed, password: hunter2 for user bob', 'login failed, password: [REDACTED]'],
    ['Passphrase:\tsome long phrase, other', 'Passphrase:\t[REDACTED], other'],
    ['secret: a b c; x=1', 'secret: [REDACTED]; x=1'],
    ['dbPassword: two words\nnext line', 'dbPassword: [REDACTED]\nnext line'],
    ['PWD: a b\r\nnext', 'PWD: [REDACTED]\r\nnext'],
    ['{password: a b}', '{password: [REDACTED]}'],
    ['user[password]: open sesame', 'user[password]: [REDACTED]'],
    // A word that starts another pair ends the phrase.
    ['password: abc user: bob', 'password: [REDACTED] user: bob'],
    ['password: abc id=7 ok', 'password: [REDACTED] id=7 ok'],
    // After `=` a space ends the value, as in a shell, a query string or logfmt.
    ['password=abc def', 'password=[REDACTED] def'],
    ['PGPASSWORD=abc psql -h db', 'PGPASSWORD=[REDACTED] psql -h db'],
    // Quoted values were whole already.
    ['password: "two words" more', 'password: "[REDACTED]" more'],
    // Other names' values end at a space, as before.
    ['token: abc def', 'token: [REDACTED] def'],
  ])('%j', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
    // Scrubbing twice (a log line, then the span that carries it) changes nothing more.
    expect(redactor.text(expected)).toBe(expected);
  });

  it('takes the words with an empty replacement too', () => {
    expect(createRedactor({ replacement: '' }).text('password: correct horse battery staple')).toBe(
      'password:  ',
    );
    expect(createRedactor({ replacement: '' }).text('password: abc user: bob')).toBe('password:  user: bob');
  });

  it('applies to attributes scrubbed as free text and with another replacement', () => {
    const custom = createRedactor({ replacement: '***' });
    const attributes = { 'exception.message': 'bad config: password: correct horse battery staple' };
    custom.attributes(attributes);
    expect(attributes['exception.message']).toBe('bad config: password: ***');
  });
});
