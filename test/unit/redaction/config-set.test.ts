// A setting stored by a CLI as a name and a value in two words went out (2026-12-07): `aws configure
// set aws_secret_access_key …`, `npm config set //registry/:_authToken …`, `yarn config set
// npmAuthToken …`, `dotnet user-secrets set <name> <value>`. No `=` or `:` for the name=value rules.
import { describe, expect, it } from 'vitest';
import { scrubArgs } from '../../../src/redaction/args.js';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('a secret setting set by a CLI', () => {
  it.each([
    [
      'aws configure set aws_secret_access_key wJalrXUtn --profile x',
      `aws configure set aws_secret_access_key ${R} --profile x`,
    ],
    ['aws configure set aws_session_token "abc def"', `aws configure set aws_session_token "${R}"`],
    [
      'npm config set //registry.npmjs.org/:_authToken npmTok1',
      `npm config set //registry.npmjs.org/:_authToken ${R}`,
    ],
    [
      'npm config set --location=user //r.example/:_password cHc=',
      `npm config set --location=user //r.example/:_password ${R}`,
    ],
    ['yarn config set npmAuthToken abc', `yarn config set npmAuthToken ${R}`],
    ['dotnet user-secrets set "Db:Password" "p w"', `dotnet user-secrets set "Db:Password" "${R}"`],
    [
      'dotnet user-secrets set ConnectionStrings:Default Server=x',
      `dotnet user-secrets set ConnectionStrings:Default ${R}`,
    ],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    'aws configure set region eu-west-1',
    'npm config set registry https://r.example',
    'git config set user.name bob',
    'config settings for token abc',
    'aws configure set aws_secret_access_key',
    'npm config set token_expiry 30d',
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it('in an argument list', () => {
    const scrub = (args: string[]) => scrubArgs(args, redactor, R);
    expect(scrub(['aws', 'configure', 'set', 'aws_secret_access_key', 'wJalr'])).toEqual([
      'aws',
      'configure',
      'set',
      'aws_secret_access_key',
      R,
    ]);
    expect(scrub(['dotnet', 'user-secrets', 'set', 'Db:Host', 'x'])).toEqual([
      'dotnet',
      'user-secrets',
      'set',
      'Db:Host',
      R,
    ]);
    const kept = ['aws', 'configure', 'set', 'region', 'eu-west-1'];
    expect(scrub(kept)).toEqual(kept);
  });
});
