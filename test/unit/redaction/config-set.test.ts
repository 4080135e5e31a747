// A setting stored by a CLI as a name and a value in two words went out (2026-12-07): `aws configure
// set aws_secret_access_key …`, `npm config set //registry/:_authToken …`, `yarn config set
// npmAuthToken …`, `dotnet user-secrets set <name> <value>`, and Redis's `CONFIG SET requirepass|masterauth
// <password>` outside a statement (redis-cli's command line, a log line, an error quoting it). No `=`
// or `:` for the name=value rules.
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
    [
      'redis-cli -h 127.0.0.1 CONFIG SET requirepass hunter2',
      `redis-cli -h 127.0.0.1 CONFIG SET requirepass ${R}`,
    ],
    [
      'redis-cli -h 127.0.0.1 config set masterauth hunter2',
      `redis-cli -h 127.0.0.1 config set masterauth ${R}`,
    ],
    ['Config Set MasterAuth "p w" && redis-cli ping', `Config Set MasterAuth "${R}" && redis-cli ping`],
    ['valkey-cli CONFIG SET primaryauth hunter2', `valkey-cli CONFIG SET primaryauth ${R}`],
    [
      "ReplyError: ERR wrong number of arguments for 'CONFIG SET requirepass hunter2'",
      `ReplyError: ERR wrong number of arguments for 'CONFIG SET requirepass ${R}'`,
    ],
    [
      'ran: CONFIG SET requirepass hunter2\nran: CONFIG SET maxmemory 100mb',
      `ran: CONFIG SET requirepass ${R}\nran: CONFIG SET maxmemory 100mb`,
    ],
    // Redis 7 sets several pairs at once: every pair of `CONFIG SET` is read, on its line.
    [
      'redis-cli -h 127.0.0.1 CONFIG SET maxmemory 100mb requirepass hunter2',
      `redis-cli -h 127.0.0.1 CONFIG SET maxmemory 100mb requirepass ${R}`,
    ],
    [
      'CONFIG SET requirepass "p w" masterauth s3cr3t appendonly yes',
      `CONFIG SET requirepass "${R}" masterauth ${R} appendonly yes`,
    ],
    [
      "ReplyError: ERR Unknown option for 'CONFIG SET maxmemory 1 requirepass hunter2' (x)",
      `ReplyError: ERR Unknown option for 'CONFIG SET maxmemory 1 requirepass ${R}' (x)`,
    ],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    'CONFIG SET maxmemory 100mb',
    'redis-cli -h 127.0.0.1 config set appendonly yes',
    'CONFIG SET requirepass',
    'CONFIG GET requirepass',
    'CONFIG SET masterauth-timeout 5',
    'RECONFIG SET requirepass x',
    'aws configure set region eu-west-1',
    'npm config set registry https://r.example',
    'git config set user.name bob',
    'config settings for token abc',
    'aws configure set aws_secret_access_key',
    'npm config set token_expiry 30d',
    // More pairs only after `CONFIG SET` as Redis writes it, and only on its line.
    'npm config set color true and the password is fine',
    'CONFIG SET maxmemory 100mb\nrequirepass is set above',
    "ERR for 'CONFIG SET maxmemory 1' and password hunter",
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
    expect(scrub(['redis-cli', '-h', '127.0.0.1', 'CONFIG', 'SET', 'masterauth', 'hunter2'])).toEqual([
      'redis-cli',
      '-h',
      '127.0.0.1',
      'CONFIG',
      'SET',
      'masterauth',
      R,
    ]);
    const kept = ['aws', 'configure', 'set', 'region', 'eu-west-1'];
    expect(scrub(kept)).toEqual(kept);
    const redisKept = ['redis-cli', 'CONFIG', 'SET', 'maxmemory', '100mb'];
    expect(scrub(redisKept)).toEqual(redisKept);
    // Redis 7's pairs, every one read.
    expect(
      scrub(['redis-cli', 'config', 'set', 'maxmemory', '100mb', 'requirepass', 'pw', 'masterauth', 'x']),
    ).toEqual(['redis-cli', 'config', 'set', 'maxmemory', '100mb', 'requirepass', R, 'masterauth', R]);
    const npmKept = ['npm', 'config', 'set', 'color', 'true', 'requirepass', 'x'];
    expect(scrub(npmKept)).toEqual(npmKept);
  });
});
