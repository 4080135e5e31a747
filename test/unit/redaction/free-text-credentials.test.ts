// Credentials in free text that went out whole (2026-12-06): `user:password@host` without a
// scheme (`connecting to admin:s3cret@db.internal:5432 failed`, a Redis address, Go's MySQL DSN),
// curl's `-u user:password`, `redis-cli -a password`, `mysql -pSecret`, `--password Secret`, and
// pairs encoded whole (`password%3Dhunter2`, `token%3A%20abc`). args.ts scrubbed these in an
// argument list (the resource's process.command_args); an exception message, a log line or a
// command line kept as one string was not scrubbed. Each rule is also kept from what only looks
// like one: email addresses, times, IPv6 addresses, ports, Windows paths, git's SSH addresses.
import { context, propagation, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_SECRETS_PER_VALUE } from '../../../src/redaction/budget.js';
import { createRedactionProcessor } from '../../../src/redaction/redaction-processor.js';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

beforeEach(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('user:password@host without a scheme', () => {
  it.each([
    [
      'connecting to admin:s3cret@db.internal:5432 failed',
      `connecting to admin:${R}@db.internal:5432 failed`,
    ],
    ['could not reach admin:s3cret@db:5432.', `could not reach admin:${R}@db:5432.`],
    ['amqp admin:s3cret@rabbit:5672 refused', `amqp admin:${R}@rabbit:5672 refused`],
    ['redis default:pw@10.0.0.1:6379', `redis default:${R}@10.0.0.1:6379`],
    ['dsn root:s3cret@tcp(127.0.0.1:3306)/app', `dsn root:${R}@tcp(127.0.0.1:3306)/app`],
    // To the last `@`, as a URL parser reads userinfo.
    ['mongo app:p@ss@db:27017, retrying', `mongo app:${R}@db:27017, retrying`],
    ['app:s3cret@db/prod', `app:${R}@db/prod`],
    ['admin:s3cret@[::1]:5432', `admin:${R}@[::1]:5432`],
    [
      'admin:pw@10.0.0.1 refused; admin:pw@localhost too',
      `admin:${R}@10.0.0.1 refused; admin:${R}@localhost too`,
    ],
    ['DATABASE=admin:s3cret@db:5432', `DATABASE=admin:${R}@db:5432`],
    ['GET //admin:s3cret@cdn.example.com/x', `GET //admin:${R}@cdn.example.com/x`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    'user@example.com',
    'mailto:bob@example.com, email:bob@example.com',
    'meeting 10:30@host, at 12:30:45',
    'fe80::1 and [::1]:8080 2001:db8::1',
    'http://host:8080/x and host:8080',
    'C:\\path\\file@2x.png',
    'git@github.com:org/repo.git, scp f deploy@10.0.0.1:/tmp',
    'ratio a:b@c in prose',
    'image nginx:1.25@sha256:0e5d1234567890abcdef0123456789abcdef0123456789abcdef0123456789ab',
    // Package specs: a version after a registry's name is no host and port.
    'installing npm:lodash@4.17.21 and patch:lodash@npm:4.17.21#./fix.patch',
    // A SIP address names a user; an Oracle thin URL has no password before its `@`.
    'INVITE sip:alice@atlanta.example.com:5060, jdbc:oracle:thin:@db.example.com:1521:orcl',
    // A URL's userinfo is url.ts's: scrubbed there, and left alone here.
    'postgres://REDACTED:REDACTED@db:5432/x',
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });
});

describe('credentials given as command-line flags in text', () => {
  it.each([
    ['curl -u user:password https://api.example.com/x', `curl -u user:${R} https://api.example.com/x`],
    ['curl --user user:password https://x', `curl --user user:${R} https://x`],
    ['curl --user=ops:pw:x -uuser:password https://x', `curl --user=ops:${R} -uuser:${R} https://x`],
    ['curl -U proxy:pw --proxy-user p:pw2 x', `curl -U proxy:${R} --proxy-user p:${R} x`],
    ["curl -u 'bob:my pw' http://h", `curl -u 'bob:${R}' http://h`],
    ['redis-cli -h cache -a s3cret ping', `redis-cli -h cache -a ${R} ping`],
    ['redis-cli --pass s3cret ; valkey-cli -a "my pw"', `redis-cli --pass ${R} ; valkey-cli -a "${R}"`],
    ['mysql -u root -pS3cret app; mysqldump -pS3cret app', `mysql -u root -p${R} app; mysqldump -p${R} app`],
    ['mysql --password S3cret --db-password x', `mysql --password ${R} --db-password ${R}`],
    ['docker login --username bob --password s3cret', `docker login --username bob --password ${R}`],
    ['vault login --token s.abc --client-secret c', `vault login --token ${R} --client-secret ${R}`],
    // After a tab or a line's end, and at the text's start (2026-12-06: only after a space).
    ['redis-cli\t-a s3cret ping', `redis-cli\t-a ${R} ping`],
    ['x\t--password hunter2', `x\t--password ${R}`],
    ['ok\n--password hunter2\r\n-u bob:pw', `ok\n--password ${R}\r\n-u bob:${R}`],
    ['mysql\t-pS3cret app', `mysql\t-p${R} app`],
    ['-u bob:pw https://x', `-u bob:${R} https://x`],
    // Samba's `user%password` after `-U` and `--user` (2026-12-07: kept whole).
    ['smbclient //srv/share -U bob%s3cret -c ls', `smbclient //srv/share -U bob%${R} -c ls`],
    ["rpcclient -U 'DOM\\bob%s3 cret' h", `rpcclient -U 'DOM\\bob%${R}' h`],
    [
      'smbclient //srv/s --user=bob%s3cret && smbclient -Ubob%pw',
      `smbclient //srv/s --user=bob%${R} && smbclient -Ubob%${R}`,
    ],
    // A URL after `-u` (2026-12-07: `redis-cli -u redis:[REDACTED]`, host and port gone): its userinfo.
    [
      'redis-cli -u redis://default:s3cret@cache:6379/0 ping',
      'redis-cli -u redis://REDACTED:REDACTED@cache:6379/0 ping',
    ],
    // One dash, as Go's flag package takes a long flag (2026-12-07: kept whole).
    ['./server -password s3cret -port 8080', `./server -password ${R} -port 8080`],
    ['./server -api-key abc123 -db-password "s3 cret" -v', `./server -api-key ${R} -db-password "${R}" -v`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    'ls -a /tmp && cp -a src dst && git commit -a -m "fix"',
    'mkdir -pv /tmp/x && ssh -p 22 host',
    // `mysql -p db` prompts for the password: `db` is the database.
    'mysql -p app',
    'redis-cli -p 6379 ping',
    // A line without redis-cli: `-a` is another flag there.
    'redis-cli ping\nls -a /',
    // docker's uid:gid, and a user without a password (curl prompts).
    'docker run -u 1000:1000 img; sort -u file; curl -u user https://x',
    'x --password --verbose; --user= a',
    // `-U` as a user name elsewhere; `%` after curl's `-u` is an escape in a user name.
    'psql -U postgres -h db; curl -u bob%40corp https://x; smbclient -U bob% x',
    // At a line's start, no tool before it on its line.
    'redis-cli ping\n-a /tmp; mysql app\n-pv',
    // One dash: other names, no value, short clusters (mysql's `-pS3cret` above keeps `app`).
    './app -tokens 3 -token-ttl 30 -secret-file /run/s; go run . -password',
    'tar -xzf a.tgz; ls -pass; mkdir -pv a',
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });
});

describe("Oracle's user/password@target", () => {
  // 2026-12-06: userinfo.ts wants a `:` before the password, url.ts a `//` before the user, so an
  // Oracle login went out whole wherever it was written (oracle-logins.ts).
  it.each([
    ['sqlplus scott/tiger@//db.example:1521/ORCL', `sqlplus scott/${R}@//db.example:1521/ORCL`],
    ['sqlplus scott/tiger@orcl', `sqlplus scott/${R}@orcl`],
    ['sqlplus -S -L scott/tiger@orcl @run.sql', `sqlplus -S -L scott/${R}@orcl @run.sql`],
    ['sqlplus system/oracle', `sqlplus system/${R}`],
    [
      '/u01/app/oracle/bin/sqlplus "sys/pw@orcl as sysdba"',
      `/u01/app/oracle/bin/sqlplus "sys/${R}@orcl as sysdba"`,
    ],
    ['SQLPLUS.EXE scott/"my pw"@orcl', `SQLPLUS.EXE scott/"${R}"@orcl`],
    ['CONNECT scott/tiger@orcl', `CONNECT scott/${R}@orcl`],
    ['SQL> conn c##admin/pw@pdb1;', `SQL> conn c##admin/${R}@pdb1;`],
    [
      'SQL> connect scott/tiger\nSQL> connect sys/pw as sysdba',
      `SQL> connect scott/${R}\nSQL> connect sys/${R} as sysdba`,
    ],
    [
      'expdp system/manager@pdb1 directory=d dumpfile=x.dmp',
      `expdp system/${R}@pdb1 directory=d dumpfile=x.dmp`,
    ],
    ['impdp system/manager@pdb1 full=y', `impdp system/${R}@pdb1 full=y`],
    [
      'exp scott/tiger@orcl file=x.dmp; imp scott/tiger@orcl',
      `exp scott/${R}@orcl file=x.dmp; imp scott/${R}@orcl`,
    ],
    ['sqlldr userid=scott/tiger@orcl control=x.ctl', `sqlldr userid=scott/${R}@orcl control=x.ctl`],
    [
      'sqlldr scott/tiger control=x.ctl; USERID=system/manager',
      `sqlldr scott/${R} control=x.ctl; USERID=system/${R}`,
    ],
    [
      'rman target sys/pw@cdb auxiliary sys/pw2@aux catalog rc/rcpw@rcat',
      `rman target sys/${R}@cdb auxiliary sys/${R}@aux catalog rc/${R}@rcat`,
    ],
    [
      'rman target sys/pw; RMAN> connect target sys/pw',
      `rman target sys/${R}; RMAN> connect target sys/${R}`,
    ],
    ['rman target sys/pw auxiliary sys/pw2', `rman target sys/${R} auxiliary sys/${R}`],
    ['jdbc:oracle:thin:scott/tiger@host:1521:ORCL', `jdbc:oracle:thin:scott/${R}@host:1521:ORCL`],
    ['url=jdbc:oracle:oci:scott/tiger@//host:1521/svc', `url=jdbc:oracle:oci:scott/${R}@//host:1521/svc`],
    // EZConnect without a tool before it: only as a whole address.
    [
      'ORA-12541 connecting to scott/tiger@db.example:1521/ORCL',
      `ORA-12541 connecting to scott/${R}@db.example:1521/ORCL`,
    ],
    ['dsn=app/s3cret@//db:1521/svc', `dsn=app/${R}@//db:1521/svc`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    // Paths, package specs, images and refs that hold `a/b@c`.
    'src/foo@1.2.3 node_modules/@types/node @scope/pkg@1.0.0 /users/bob@example.com/',
    'https://x/a/b@c and https://h/a/b@db:1521/x',
    'ghcr.io/org/img@sha256:0e5d1234567890abcdef0123456789abcdef0123456789abcdef0123456789ab',
    'org/img@sha256:0e5d1234567890abcdef0123456789abcdef0123456789abcdef0123456789ab',
    'origin/main@{1} stash@{0} a/b@c feature/x@host',
    // No password, or a local login without `/`.
    'sqlplus / as sysdba; sqlplus /nolog; sqlplus scott@orcl; sqlplus /@wallet_alias',
    'jdbc:oracle:thin:@//db.example.com:1521/svc jdbc:oracle:thin:@db:1521:orcl',
    // Prose after the words that are also commands: only with a target, or alone on a line.
    'Connect to/from the host\ncould not connect to/from x; exp 2/3@x; target aarch64/linux',
    'deploy target org/app@v2, catalog books/fr@2024',
    'exp scott/tiger file=x.dmp',
    // A path or a version after a tool.
    'sqlplus a/b/c@orcl; sqlplus @scripts/run.sql; sqlplus -v',
    // Scrubbed already.
    `sqlplus scott/${R}@orcl, sqlplus scott/REDACTED@orcl`,
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it('in a URL attribute holding a JDBC URL', () => {
    const attributes = {
      'app.datasource.url': 'jdbc:oracle:thin:scott/tiger@host:1521:ORCL',
      'url.full': 'https://h/a/b@c:1/x',
    };
    redactor.attributes(attributes);
    expect(attributes).toEqual({
      'app.datasource.url': `jdbc:oracle:thin:scott/${R}@host:1521:ORCL`,
      'url.full': 'https://h/a/b@c:1/x',
    });
  });
});

describe('pairs encoded whole', () => {
  it.each([
    ['psql password%3Dhunter2', `psql password%3D${R}`],
    ['body token%3A%20abc', `body token%3A%20${R}`],
    ['x=1&password%3Dhunter2&y', `x=1&password%3D${R}&y`],
    ['q=a%3D1%26password%3Dhunter2%26b%3D2', `q=a%3D1%26password%3D${R}%26b%3D2`],
    ['next=%2Freset%3Ftoken%3Dabc', `next=%2Freset%3Ftoken%3D${R}`],
    ['form p%61ssword%3Dx+y', `form p%61ssword%3D${R}+y`],
    // A value of several words runs to the encoded line end.
    ['h=Authorization%3A%20Bearer%20xyz%0D%0AX%3A1', `h=Authorization%3A%20${R}%0D%0AX%3A1`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each(['q=a%3Db%20c', 'ratio%3A%201', 'password%3D', 'password%3DREDACTED', 'http%3A%2F%2Fh%2Fx'])(
    'kept: %s',
    (text) => {
      expect(redactor.text(text)).toBe(text);
    },
  );
});

describe('on an exported span', () => {
  it('in the exception message, the status message and text attributes', () => {
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [createRedactionProcessor(undefined), new SimpleSpanProcessor(memory)],
    });
    const span = provider.getTracer('t').startSpan('connect');
    span.recordException(new Error('connecting to admin:s3cret@db.internal:5432 failed'));
    span.setStatus({ code: 2, message: 'redis-cli -a s3cret ping exited 1' });
    span.setAttributes({
      'process.command_line': 'curl -u bob:s3cret https://x',
      'app.request.body': 'password%3Ds3cret',
    });
    span.end();
    const exported = memory.getFinishedSpans()[0]!;
    expect(exported.events[0]!.attributes!['exception.message']).toBe(
      `connecting to admin:${R}@db.internal:5432 failed`,
    );
    expect(exported.status.message).toBe(`redis-cli -a ${R} ping exited 1`);
    expect(exported.attributes['process.command_line']).toBe(`curl -u bob:${R} https://x`);
    expect(exported.attributes['app.request.body']).toBe(`password%3D${R}`);
  });
});

describe('process.command_args set on a span', () => {
  // The resource's argument list went through args.ts; the same list set on a span (a job runner's
  // span for the command it ran) was scrubbed argument by argument, each as text: `-u` and
  // `user:pw` apart said nothing, and the password went out.
  it("is scrubbed as an argument list, as the resource's is", () => {
    const attributes = {
      'process.command_args': ['curl', '-u', 'bob:s3cret', '--password', 'hunter2', 'https://x'],
      'app.args': ['redis-cli', '-a', 'pw1'],
    };
    redactor.attributes(attributes);
    expect(attributes['process.command_args']).toEqual([
      'curl',
      '-u',
      `bob:${R}`,
      '--password',
      R,
      'https://x',
    ]);
    // Only the semantic-conventions key is read as an argument list; other arrays stay item by item.
    expect(attributes['app.args']).toEqual(['redis-cli', '-a', 'pw1']);
  });

  it("a URL after -u keeps its host (2026-12-07: 'redis:[REDACTED]'); Samba's user%password loses the password", () => {
    const attributes = {
      'process.command_args': [
        'redis-cli',
        '-u',
        'redis://:s3cret@cache:6379',
        '--user=rediss://u:pw@h:6380',
        '-U',
        'bob%s3cret',
        '--user=al%pw',
      ],
    };
    redactor.attributes(attributes);
    expect(attributes['process.command_args']).toEqual([
      'redis-cli',
      '-u',
      'redis://REDACTED:REDACTED@cache:6379',
      '--user=rediss://REDACTED:REDACTED@h:6380',
      '-U',
      `bob%${R}`,
      `--user=al%${R}`,
    ]);
  });

  it("an Oracle tool's login, and redis-cli's -a with its value in one argument", () => {
    const attributes = {
      'process.command_args': ['/opt/oracle/bin/sqlplus', '-S', 'scott/tiger@orcl', '@run.sql'],
    };
    redactor.attributes(attributes);
    expect(attributes['process.command_args']).toEqual([
      '/opt/oracle/bin/sqlplus',
      '-S',
      `scott/${R}@orcl`,
      '@run.sql',
    ]);
    const cases: [string[], string[]][] = [
      [
        ['rman', 'target', 'sys/pw', 'catalog', 'rc/x@rcat'],
        ['rman', 'target', `sys/${R}`, 'catalog', `rc/${R}@rcat`],
      ],
      [
        ['expdp', 'system/manager', 'directory=d'],
        ['expdp', `system/${R}`, 'directory=d'],
      ],
      [
        ['exp', 'scott/tiger@orcl'],
        ['exp', `scott/${R}@orcl`],
      ],
      [
        ['sqlldr', 'control=x.ctl', 'userid=scott/tiger@orcl'],
        ['sqlldr', 'control=x.ctl', `userid=scott/${R}@orcl`],
      ],
      [
        ['redis-cli', '-a s3cret', 'ping'],
        ['redis-cli', `-a ${R}`, 'ping'],
      ],
      [
        ['sh', '-c', 'redis-cli\t-a s3cret'],
        ['sh', '-c', `redis-cli\t-a ${R}`],
      ],
      // Kept: a path after a tool, exp's login without a target, -a elsewhere.
      [
        ['sqlplus', '/nolog', '@scripts/run.sql'],
        ['sqlplus', '/nolog', '@scripts/run.sql'],
      ],
      [
        ['exp', 'a/b', 'ls', '-a x'],
        ['exp', 'a/b', 'ls', '-a x'],
      ],
      [
        ['node', 'src/a/b.js'],
        ['node', 'src/a/b.js'],
      ],
    ];
    for (const [args, expected] of cases) {
      const span = { 'process.command_args': args };
      redactor.attributes(span);
      expect(span['process.command_args']).toEqual(expected);
    }
  });

  it('a list with other than strings is scrubbed item by item, its strings as text', () => {
    const attributes = { 'process.command_args': ['run', 'password=x1', 3] as unknown as string[] };
    redactor.attributes(attributes);
    expect(attributes['process.command_args']).toEqual(['run', `password=${R}`, 3]);
  });
});

describe('each secret counts against the budget of its value', () => {
  it.each([
    ['user:password@host', 'a:pw@h:1 '],
    ['-u user:password', '-u a:pw '],
    ['redis-cli -a', 'redis-cli -a pw '],
    ['encoded pairs', 'token%3Dpw%26'],
    ['Oracle logins', 'sqlplus a/pw@o '],
    ['Oracle logins, EZConnect', 'a/pw@h:1/s '],
    ['flags after tabs', 'x\t--password pw '],
    ['user:password@host.name', 'a:pw@h.aa '],
    ['Oracle logins, relative tool paths', 'bin/sqlplus a/pw '],
    ['Oracle logins, flag values', 'sqlplus -R 3 a/pw '],
    ['Oracle logins, quoted users', 'sqlplus "a"/pw@o '],
    ['flags after carriage returns', 'x\r--password pw '],
    ['tool password flags', 'sshpass -p pw '],
  ])('%s', (_name, unit) => {
    const text = unit.repeat(MAX_SECRETS_PER_VALUE + 10);
    const out = redactor.text(text);
    // Every secret before the budget ran out is replaced one by one, the rest of the text whole.
    expect(out.split(R).length - 1).toBe(MAX_SECRETS_PER_VALUE + 1);
    expect(out).not.toContain('pw');
    expect(out.endsWith(R)).toBe(true);
  });
});
