// PostgreSQL quotes the offending value in some errors (recorded as exception and status messages
// by the pg instrumentation) and in an error's `detail`, which apps put in messages and logs. The
// value is replaced; the message keeps its shape and its type, column and constraint names.
// test/integration/redaction/pg-errors.test.ts does the same through the real PostgreSQL.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();

describe('PostgreSQL error messages', () => {
  it.each([
    [
      'invalid input syntax for type integer: "s3cr3t"',
      'invalid input syntax for type integer: "[REDACTED]"',
    ],
    ['invalid input value for enum role: "superadmin"', 'invalid input value for enum role: "[REDACTED]"'],
    ['malformed array literal: "{a,b"', 'malformed array literal: "[REDACTED]"'],
    ['date/time field value out of range: "2024-13-45"', 'date/time field value out of range: "[REDACTED]"'],
    [
      'value "99999999999" is out of range for type integer',
      'value "[REDACTED]" is out of range for type integer',
    ],
    ['Key (email)=(alice@example.com) already exists.', 'Key (email)=([REDACTED]) already exists.'],
    [
      'Key (lower(email::text))=(a (b) c) already exists.',
      'Key (lower(email::text))=([REDACTED]) already exists.',
    ],
    [
      'Key (user_id)=(42) is not present in table "users".',
      'Key (user_id)=([REDACTED]) is not present in table "users".',
    ],
    [
      'Key (a)=(1) conflicts with existing key (a)=(2).',
      'Key (a)=([REDACTED]) conflicts with existing key (a)=([REDACTED]).',
    ],
    ['Failing row contains (42, alice@example.com, s3cr3t).', 'Failing row contains ([REDACTED]).'],
    [
      'error: invalid input syntax for type uuid: "abc"\n    at Parser.parseErrorMessage (parser.js:1:2)',
      'error: invalid input syntax for type uuid: "[REDACTED]"\n    at Parser.parseErrorMessage (parser.js:1:2)',
    ],
    // Names only, or no value: kept.
    [
      'duplicate key value violates unique constraint "users_email_key"',
      'duplicate key value violates unique constraint "users_email_key"',
    ],
    ['column "x" does not exist (see docs)', 'column "x" does not exist (see docs)'],
    ['Key (x) was rotated', 'Key (x) was rotated'],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });
});
