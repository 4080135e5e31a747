// A percent-escaped letter in a secret name (`p%61ssword=`, `pass%77ord=`) took it past the
// `name=value` rules of free text, which read names as written: a form body, a request target
// without a scheme or a logged query carried the password out. A URL with a scheme was scrubbed
// (url.ts decodes names); the same names in the rest of the text now are too.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();

describe('percent-encoded secret names in text', () => {
  it.each([
    ['body: user=bob&p%61ssword=hunter2&remember=1', 'body: user=bob&p%61ssword=[REDACTED]&remember=1'],
    ['POST /login?pass%77ord=hunter2 failed', 'POST /login?pass%77ord=[REDACTED] failed'],
    ['%74oken=abc; next', '%74oken=[REDACTED]; next'],
    ['form db_p%41ssword=x&client%5Fsecret=y', 'form db_p%41ssword=[REDACTED]&client%5Fsecret=[REDACTED]'],
    // Glued, as a query parameter's name is judged.
    ['PGP%41SSWORD=s3cr3t', 'PGP%41SSWORD=[REDACTED]'],
    // Not a secret name once decoded, a malformed escape, or no value: kept.
    ['q=caf%C3%A9&page%5B1%5D=2&100%=x', 'q=caf%C3%A9&page%5B1%5D=2&100%=x'],
    ['p%61ssword= next', 'p%61ssword= next'],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it('in an attribute of free text, and once only inside a URL', () => {
    const attributes = {
      'http.request.body': 'user=bob&p%61ssword=hunter2',
      'exception.message': 'GET https://h/cb?p%61ssword=hunter2 and p%61ssword=hunter2',
    };
    redactor.attributes(attributes);
    expect(attributes).toEqual({
      'http.request.body': 'user=bob&p%61ssword=[REDACTED]',
      'exception.message': 'GET https://h/cb?p%61ssword=REDACTED and p%61ssword=[REDACTED]',
    });
  });
});
