// A secret's separator or blank written escaped went out (2026-12-07): `password=hun\ ter2` (a
// shell word with an escaped blank) kept `ter2`, `--password hun\ ter2` too; `password\u003dhunter2`
// (Gson escapes `=` by default), `password&#61;hunter2` (HTML) kept the whole value, the `=` not
// being written as one. `%3D` was handled already (encoded-names.ts).
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('a blank escaped by a backslash is the value’s', () => {
  it.each([
    ['password=hun\\ ter2', `password=${R}`],
    ['PGPASSWORD=a\\ b\\ c psql -h db', `PGPASSWORD=${R} psql -h db`],
    ['--password hun\\ ter2 --user bob', `--password ${R} --user bob`],
    ['--password=hun\\ ter2', `--password=${R}`],
    ['sshpass -p hun\\ ter2 ssh host', `sshpass -p ${R} ssh host`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each(['path=C:\\ Program Files', 'user=bob\\ smith x'])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });
});

describe('an escaped separator', () => {
  it.each([
    ['password\\u003dhunter2', `password\\u003d${R}`],
    ['password\\u003Dhunter2 next', `password\\u003D${R} next`],
    ['"q":"password\\u003dabc\\u0026user\\u003dbob"', `"q":"password\\u003d${R}\\u0026user\\u003dbob"`],
    ['password&#61;hunter2', `password&#61;${R}`],
    ['password&#x3D;hunter2&amp;user&#61;bob', `password&#x3D;${R}&amp;user&#61;bob`],
    ['api_key&equals;abc', `api_key&equals;${R}`],
    ['password\\x3dhunter2', `password\\x3d${R}`],
    ['dbPassword\\u003a\\u0022a b\\u0022', `dbPassword\\u003a\\u0022${R}\\u0022`],
    ['&quot;token&quot;&#58;&quot;abc&quot;', `&quot;token&quot;&#58;&quot;${R}&quot;`],
    ['password\\u003d\\"hunter 2\\" x', `password\\u003d\\"${R}\\" x`],
    ['password%3Dhunter2', `password%3D${R}`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    'user\\u003dbob',
    'passwordless\\u003dtrue',
    'password_policy&#61;strict',
    'a \\u003d b &#61; c',
    'password\\u003d',
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it("with a user's key name", () => {
    expect(createRedactor({ keys: ['tenant_id'] }).text('tenant_id\\u003dt1')).toBe(`tenant_id\\u003d${R}`);
  });
});

describe('each form of an escaped separator, after other escapes', () => {
  it.each([
    '\\u003d',
    '\\u003A',
    '\\x3d',
    '\\x3A',
    '&#61;',
    '&#58;',
    '&#x3D;',
    '&#x3a;',
    '&equals;',
    '&colon;',
  ])('%s', (separator) => {
    expect(redactor.text(`\\u\\b\\x&#; token${separator}abc`)).toBe(`\\u\\b\\x&#; token${separator}${R}`);
  });
});
