// A secret given as a list went out (2026-12-07): the value after a secret name ended at its first
// blank or quote, so only `[` was replaced: `{ password: [ 'hunter2' ] }` (util.inspect) went out as
// `{ password: [REDACTED] 'hunter2' ] }`, `{"password":["hunter2"]}` as `[REDACTED]"hunter2"]}`.
// A list up to its first `]` on the line is now replaced whole.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('a secret given as a list', () => {
  it.each([
    ["{ password: [ 'hunter2' ] }", `{ password: ${R} }`],
    ["{ password: [ 'hunter2', 'old' ], user: 'bob' }", `{ password: ${R}, user: 'bob' }`],
    ['{"password":["hunter2","old"],"user":"bob"}', `{"password":${R},"user":"bob"}`],
    ['token=[abc] next=1', `token=${R} next=1`],
    ['token: [1,2]', `token: ${R}`],
    // Already scrubbed, and a list not closed on its line: as before.
    [`password: ${R}`, `password: ${R}`],
    ['password: [abc\n]', `password: ${R}\n]`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it('with a user key name that the separator scan cannot read (the regex path)', () => {
    const withUserName = createRedactor({ keys: ['my key'] });
    expect(withUserName.text("{ password: [ 'hunter2' ], 'my key': 'x' }")).toBe(
      `{ password: ${R}, 'my key': '${R}' }`,
    );
  });
});
