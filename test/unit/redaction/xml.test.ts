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

// A .NET config line quoted in an error (2026-12-07): `<add key="Password" value="hunter2"/>`
// went out whole, the secret's name being an attribute's value, not the element's.
describe('settings named by a key attribute', () => {
  it.each([
    ['<add key="Password" value="hunter2"/>', '<add key="Password" value="[REDACTED]"/>'],
    [
      'config: <add key="ConnectionString" value="Server=db;User Id=sa;Password=x"/>',
      'config: <add key="ConnectionString" value="[REDACTED]"/>',
    ],
    ['<add key="ApiKey" value="abc123" />', '<add key="ApiKey" value="[REDACTED]" />'],
    ["<add key='ClientSecret' value='s3c'/>", "<add key='ClientSecret' value='[REDACTED]'/>"],
    // Any attribute order, blanks around `=`, a name glued as an env var's.
    ['<add value="hunter2" key="Password"/>', '<add value="[REDACTED]" key="Password"/>'],
    ['<add  key = "SmtpPassword"  value = "p w"/>', '<add  key = "SmtpPassword"  value = "[REDACTED]"/>'],
    [
      '<add key="StorageConnectionString" value="DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k=="/>',
      '<add key="StorageConnectionString" value="[REDACTED]"/>',
    ],
    // Ant's and Spring's `name`, Java's properties XML, an HTML form's field.
    ['<property name="db.password" value="x"/>', '<property name="db.password" value="[REDACTED]"/>'],
    ['<entry key="password">hunter2</entry>', '<entry key="password">[REDACTED]</entry>'],
    [
      '<input type="password" name="password" value="hunter2">',
      '<input type="password" name="password" value="[REDACTED]">',
    ],
    // Among others, and cut before its closing quote.
    [
      '<appSettings><add key="Timeout" value="30"/><add key="Password" value="hunter2"/></appSettings>',
      '<appSettings><add key="Timeout" value="30"/><add key="Password" value="[REDACTED]"/></appSettings>',
    ],
    ['<add key="Password" value="hunter2', '<add key="Password" value="[REDACTED]'],
  ])('%s', (text, expected) => {
    expect(r.text(text)).toBe(expected);
  });

  it.each([
    '<add key="Timeout" value="30"/><add key="Password" value=""/>',
    '<add key="PasswordResetUrl" value="https://x/reset"/><input name="user" value="bob">',
    '</add key="Password" value="x">',
  ])('kept: %s', (text) => {
    expect(r.text(text)).toBe(text);
  });

  it('with the user key names', () => {
    expect(createRedactor({ keys: ['tenant-key'] }).text('<add key="tenant-key" value="t1"/>')).toBe(
      '<add key="tenant-key" value="[REDACTED]"/>',
    );
  });
});
