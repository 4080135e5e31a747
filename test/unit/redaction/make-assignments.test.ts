// Make's conditional and appending assignments kept their values (2026-12-07): `DB_PASSWORD ?=
// hunter2`, `TOKEN += abc` (a Makefile echoed by `make -p`, a build log). `:=` was read already.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe("Make's ?= and += after a secret name", () => {
  it.each([
    ['DB_PASSWORD ?= hunter2', `DB_PASSWORD ?= ${R}`],
    ['TOKEN += abc', `TOKEN += ${R}`],
    ['export API_KEY?=abc', `export API_KEY?=${R}`],
    ['REGISTRY_PASSWORD ?= "a b"', `REGISTRY_PASSWORD ?= "${R}"`],
    ['DB_PASSWORD := x\nTOKEN ?= y', `DB_PASSWORD := ${R}\nTOKEN ?= ${R}`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each(['RETRIES ?= 3', 'CFLAGS += -O2', 'PASSWORD_FILE ?= /run/secrets/db', 'count += 1'])(
    'kept: %s',
    (text) => {
      expect(redactor.text(text)).toBe(text);
    },
  );
});
