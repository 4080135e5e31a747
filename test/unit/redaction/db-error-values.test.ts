// MySQL and MongoDB quote the offending value in their commonest errors (a unique index hit, a
// value of the wrong type), which the mysql2 and mongodb instrumentations record as exception and
// status messages: an email or a password typed into the wrong field went out with them.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();

describe('values quoted in MySQL and MongoDB errors', () => {
  it.each([
    [
      "Duplicate entry 'alice@example.com' for key 'users.email'",
      "Duplicate entry '[REDACTED]' for key 'users.email'",
    ],
    [
      "Incorrect integer value: 's3cr3t' for column 'age' at row 1",
      "Incorrect integer value: '[REDACTED]' for column 'age' at row 1",
    ],
    [
      'E11000 duplicate key error collection: app.users index: email_1 dup key: { email: "alice@example.com" }',
      'E11000 duplicate key error collection: app.users index: email_1 dup key: { [REDACTED] }',
    ],
    // The end of the value on another line, or no value: kept.
    ["Duplicate entry 'x' for\nkey 'y'", "Duplicate entry 'x' for\nkey 'y'"],
    ["Duplicate entry '' for key 'k'", "Duplicate entry '' for key 'k'"],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });
});
