// A SOAP fault or an XML body quoted in an error message carried `<Password>…</Password>`: the
// `name=value` rules need `=` or `:` after the name, so the whole body went out.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const r = createRedactor();

describe('secret elements in XML inside text', () => {
  it.each([
    [
      'fault: <s:Body><Login><User>bob</User><Password>hunter2</Password><ns:ApiKey>k1</ns:ApiKey></Login></s:Body>',
      'fault: <s:Body><Login><User>bob</User><Password>[REDACTED]</Password><ns:ApiKey>[REDACTED]</ns:ApiKey></Login></s:Body>',
    ],
    [
      '<Password xsi:type="xsd:string">hunter2</Password><db_password >x</db_password>',
      '<Password xsi:type="xsd:string">[REDACTED]</Password><db_password >[REDACTED]</db_password>',
    ],
    // Cut before its closing tag (the value length limit): the rest goes.
    ['<auth><token>eyJxx', '<auth><token>[REDACTED]'],
    // Kept: other elements, empty ones, prose naming a placeholder, a mismatched closing tag.
    [
      '<tokens>3</tokens><note>password</note><password></password><password/>',
      '<tokens>3</tokens><note>password</note><password></password><password/>',
    ],
    [
      'usage: cli <token> value, then <password> more <x>',
      'usage: cli <token> value, then <password> more <x>',
    ],
    ['<Password>a</password>', '<Password>a</password>'],
  ])('%s', (text, expected) => {
    expect(r.text(text)).toBe(expected);
  });

  it('with the user key names', () => {
    expect(createRedactor({ keys: ['tenant-key'] }).text('<tenant-key>t1</tenant-key>')).toBe(
      '<tenant-key>[REDACTED]</tenant-key>',
    );
  });
});
