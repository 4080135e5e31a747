// Issue 20 item 7: `process.command_args` is exported with the resource; 4 of 4 argv canaries
// leaked verbatim. The child-process proof is test/integration/secret-scrubbing.test.ts.
import { describe, expect, it } from 'vitest';
import { scrubArgs } from '../../../src/redaction/args.js';
import { createRedactor } from '../../../src/redaction/redactor.js';

const r = createRedactor();
const scrub = (args: string[]) => scrubArgs(args, r, '[REDACTED]');

describe('scrubArgs', () => {
  // `--user admin:pw` (curl's form) and `--bearer <token>` / `--jwt <token>` went out as given.
  it('hides the password of a user:password flag value and bearer or JWT flag values', () => {
    expect(
      scrub([
        '-u',
        'admin:hunter2',
        '--user=ops:pw:x',
        '--USER',
        'bob',
        '--bearer',
        'b1',
        '--jwt=j1',
        '-u',
        '--x',
      ]),
    ).toEqual([
      '-u',
      'admin:[REDACTED]',
      '--user=ops:[REDACTED]',
      '--USER',
      'bob',
      '--bearer',
      '[REDACTED]',
      '--jwt=[REDACTED]',
      '-u',
      '--x',
    ]);
  });

  it('hides flag values that are secrets, in every spelling', () => {
    expect(
      scrub([
        '/usr/bin/node',
        '--max-old-space-size=512',
        'server.js',
        '--db-url=postgres://admin:pw1@db/prod',
        '--api-key=k3y',
        '--password',
        'hunter2',
        '--client-secret',
        's3c',
        '-pP4ss',
        '--token=',
        '--port',
        '8080',
        '-p',
        '3000',
        'DB_PASSWORD=x1',
        'https://u:p2@h/x?sig=abc&a=1',
      ]),
    ).toEqual([
      '/usr/bin/node',
      '--max-old-space-size=512',
      'server.js',
      '--db-url=postgres://REDACTED:REDACTED@db/prod',
      '--api-key=[REDACTED]',
      '--password',
      '[REDACTED]',
      '--client-secret',
      '[REDACTED]',
      '-p[REDACTED]',
      '--token=[REDACTED]',
      '--port',
      '8080',
      '-p',
      '3000',
      'DB_PASSWORD=[REDACTED]',
      'https://REDACTED:REDACTED@h/x?sig=REDACTED&a=1',
    ]);
  });

  it('does not take the next flag for a value', () => {
    expect(scrub(['--password', '--verbose', 'x'])).toEqual(['--password', '--verbose', 'x']);
  });

  it('leaves ordinary command lines alone', () => {
    const args = ['node', '--enable-source-maps', 'dist/main.js', '--config', './app.json', 'serve', '-v'];
    expect(scrub(args)).toEqual(args);
  });
});

// `redis-cli -a <password>` went out in process.command_args: `-a` is no secret flag's name.
describe('scrubArgs, redis-cli', () => {
  it('hides the password after -a once an argument names redis-cli', () => {
    expect(scrub(['/usr/bin/redis-cli', '-h', 'cache', '-a', 's3cret', 'ping'])).toEqual([
      '/usr/bin/redis-cli',
      '-h',
      'cache',
      '-a',
      '[REDACTED]',
      'ping',
    ]);
    expect(scrub(['docker', 'exec', 'c1', 'valkey-cli', '-a', 's3cret'])).toEqual([
      'docker',
      'exec',
      'c1',
      'valkey-cli',
      '-a',
      '[REDACTED]',
    ]);
  });

  it('keeps -a of other programs', () => {
    expect(scrub(['ls', '-a', '/tmp'])).toEqual(['ls', '-a', '/tmp']);
    expect(scrub(['cp', '-a', 'redis-cli', 'dst'])).toEqual(['cp', '-a', 'redis-cli', 'dst']);
  });
});
