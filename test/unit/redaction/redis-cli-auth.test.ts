// Redis's `AUTH [username] password` outside a statement went out (2026-12-07): in a log line or a
// failed execSync's message (`Command failed: redis-cli -h … AUTH …`), at redis-cli's prompt in a
// pasted session, and in a logged argument list. Only where the line names redis-cli or valkey-cli,
// or at the prompt: `AUTH` alone is no sign of Redis.
import { describe, expect, it } from 'vitest';
import { scrubArgs } from '../../../src/redaction/args.js';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe("redis-cli's AUTH outside a statement", () => {
  it.each([
    ['redis-cli -h 127.0.0.1 AUTH hunter2', `redis-cli -h 127.0.0.1 AUTH ${R}`],
    ['redis-cli -h 127.0.0.1 auth hunter2 && echo ok', `redis-cli -h 127.0.0.1 auth ${R} && echo ok`],
    ['valkey-cli -p 6380 AUTH bob hunter2', `valkey-cli -p 6380 AUTH ${R} ${R}`],
    ['127.0.0.1:6379> AUTH hunter2', `127.0.0.1:6379> AUTH ${R}`],
    ['127.0.0.1:6379> AUTH default "p w"', `127.0.0.1:6379> AUTH ${R} "${R}"`],
    [
      'Error: Command failed: redis-cli -h 10.0.0.5 AUTH s3cr3t\nAUTH failed: WRONGPASS',
      `Error: Command failed: redis-cli -h 10.0.0.5 AUTH ${R}\nAUTH failed: WRONGPASS`,
    ],
    // redis-cli reads `AUTH pw PING` as a user name and a password: both hidden.
    ["execSync('redis-cli AUTH pw PING')", `execSync('redis-cli AUTH ${R} ${R}')`],
    ['redis-cli AUTH pw; redis-cli PING', `redis-cli AUTH ${R}; redis-cli PING`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it('a password of any length, hidden whole', () => {
    const pw = 'x'.repeat(4096);
    expect(redactor.text(`redis-cli AUTH ${pw}`)).toBe(`redis-cli AUTH ${R}`);
    expect(redactor.text(`127.0.0.1:6379> AUTH "${pw} y"`)).toBe(`127.0.0.1:6379> AUTH "${R}"`);
  });

  it.each([
    'AUTH failed for user bob',
    '(error) ERR AUTH <password> called without any password configured for the default user',
    'redis-cli OAUTH x',
    'redis-cli set x-auth-token 1',
    'redis-cli PING\nAUTH is required',
    'redis-cli GET auth:count',
    'see the AUTH command: 127.0.0.1 >AUTH',
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it('in an argument list: the two arguments after AUTH, for redis-cli and valkey-cli only', () => {
    const scrub = (args: string[]) => scrubArgs(args, redactor, R);
    expect(scrub(['redis-cli', 'AUTH', 'hunter2'])).toEqual(['redis-cli', 'AUTH', R]);
    expect(scrub(['redis-cli', '-h', 'x', 'auth', 'default', 'hunter2'])).toEqual([
      'redis-cli',
      '-h',
      'x',
      'auth',
      R,
      R,
    ]);
    expect(scrub(['valkey-cli', 'AUTH', 'pw'])).toEqual(['valkey-cli', 'AUTH', R]);
    // `-a auth`: `auth` is the password there, hidden as ever, and PING kept.
    expect(scrub(['redis-cli', '-a', 'auth', 'PING'])).toEqual(['redis-cli', '-a', R, 'PING']);
    const kept = ['node', 'app.js', 'auth', 'login'];
    expect(scrub(kept)).toEqual(kept);
  });
});
