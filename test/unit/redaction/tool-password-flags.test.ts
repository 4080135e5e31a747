// Short password flags of other tools went out whole (2026-12-06, evening), in text and in
// process.command_args: `sshpass -p pw`, `docker login -p pw` (podman's too), `sqlcmd -P pw`,
// `ldapsearch -w pw` (and the other OpenLDAP clients). Elsewhere these flags are common and hold
// no secret (`ssh -p 22`, `docker run -p 8080:80`, `curl -w '%{http_code}'`, `grep -P`), so, as
// redis-cli's `-a`, each counts only on a line (an argument list) that names its tool.
// `az login -u user -p secret` in a command line or a failed step's error went out whole
// (2026-12-07): `-p` counted only after sshpass, `docker login` and `podman login`; the other
// `login`s whose `-p` is a password (az, oc, cf, helm registry...) count too, and (the same day)
// MongoDB's and Cassandra's shells' `-p`, bcp's and zip's `-P`, 7-Zip's and sshpass's glued
// `-pSecret`, keytool's `-storepass`/`-keypass`.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('short password flags after the tools that take them', () => {
  it.each([
    ['sshpass -p s3cret ssh deploy@host', `sshpass -p ${R} ssh deploy@host`],
    ['docker login -u bob -p s3cret ghcr.io', `docker login -u bob -p ${R} ghcr.io`],
    // shadow-utils' `-p` takes the encrypted password (2026-12-07: went out whole).
    ["usermod -p '$6$rounds=5000$saltsalt$hashhashhash' bob", `usermod -p '${R}' bob`],
    ['sudo useradd -m -p HASHabc123 bob', `sudo useradd -m -p ${R} bob`],
    ['/usr/sbin/groupadd -p $1$x$y devs', `/usr/sbin/groupadd -p ${R} devs`],
    ['groupmod -p HASH devs', `groupmod -p ${R} devs`],
    ['useradd --password HASHabc123 bob', `useradd --password ${R} bob`],
    // Consul's ACL token secret (already hidden; kept as a regression case).
    [
      'consul acl token read -secret-id=6a1253d2-1785-24fd-91c2-f8e78c745511',
      `consul acl token read -secret-id=${R}`,
    ],
    [
      'consul acl token read -secret-id 6a1253d2-1785-24fd-91c2-f8e78c745511',
      `consul acl token read -secret-id ${R}`,
    ],
    [
      'CONSUL_HTTP_TOKEN=6a1253d2-1785-24fd-91c2-f8e78c745511 consul members',
      `CONSUL_HTTP_TOKEN=${R} consul members`,
    ],
    ['podman login -p "my pw" quay.io', `podman login -p "${R}" quay.io`],
    ['sqlcmd -S db -U sa -P s3cret -Q "select 1"', `sqlcmd -S db -U sa -P ${R} -Q "select 1"`],
    ['ldapsearch -x -D cn=admin,dc=x -w s3cret -b dc=x', `ldapsearch -x -D cn=admin,dc=x -w ${R} -b dc=x`],
    ['ldapmodify -D cn=admin -w s3cret -f x.ldif', `ldapmodify -D cn=admin -w ${R} -f x.ldif`],
    // An `ldap://` address between the tool and its flag names no other tool.
    ['ldapsearch -H ldap://h -D cn=x -w s3cret', `ldapsearch -H ldap://h -D cn=x -w ${R}`],
    ['az login -u user -p secret', `az login -u user -p ${R}`],
    ['az login --password secret', `az login --password ${R}`],
    ['az login --password=secret', `az login --password=${R}`],
    [
      "ERROR: command 'az login --service-principal -u 0000-1111 -p s3cr3t --tenant contoso' exited with 1",
      `ERROR: command 'az login --service-principal -u 0000-1111 -p ${R} --tenant contoso' exited with 1`,
    ],
    ['az acr login -n reg -u u -p "s3 cret"', `az acr login -n reg -u u -p "${R}"`],
    ['oc login https://api:6443 -u dev -p s3cret', `oc login https://api:6443 -u dev -p ${R}`],
    ['cf login -a https://api -u bob -p s3cret', `cf login -a https://api -u bob -p ${R}`],
    ['helm registry login ghcr.io -u bob -p s3cret', `helm registry login ghcr.io -u bob -p ${R}`],
    ['/usr/bin/skopeo login -p s3cret quay.io', `/usr/bin/skopeo login -p ${R} quay.io`],
    // MongoDB's and Cassandra's shells, bcp, zip, 7-Zip and sshpass glued, keytool (2026-12-07).
    [
      'mongosh -u admin -p s3cret --authenticationDatabase admin',
      `mongosh -u admin -p ${R} --authenticationDatabase admin`,
    ],
    [
      'mongodump -u admin -p s3cret --db d; mongo -p "a b"',
      `mongodump -u admin -p ${R} --db d; mongo -p "${R}"`,
    ],
    ['cqlsh -u cassandra -p s3cret h', `cqlsh -u cassandra -p ${R} h`],
    ['bcp dbo.t out f.dat -S h -U sa -P s3cret', `bcp dbo.t out f.dat -S h -U sa -P ${R}`],
    ['zip -P s3cret out.zip f && unzip -P s3cret out.zip', `zip -P ${R} out.zip f && unzip -P ${R} out.zip`],
    ['7z a -ps3cret out.7z f; sshpass -ps3cret ssh h', `7z a -p${R} out.7z f; sshpass -p${R} ssh h`],
    [
      'keytool -importkeystore -srcstorepass changeit -deststorepass s3cret -keypass k',
      `keytool -importkeystore -srcstorepass ${R} -deststorepass ${R} -keypass ${R}`,
    ],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    'ssh -p 22 host; docker run -p 8080:80 img; docker push -p x',
    "curl -w '%{http_code}' ldap://host; grep -P 'a+' f; sqlcmd -S db -E",
    'sshpass -f ~/.pw ssh host\nssh -p 22 host',
    'docker login\n-p 8080',
    // `login` as a word after the tool's.
    'xaz login -p 8080; az logins -p 8080; ssh login -p 22; az-login -p 1',
    'az login\n-p 8080',
    // The tools' names inside other words, file names and addresses.
    'pymongo -p 8080; mongodb://h:27017 -p 5; tar -cf backup.zip -P x; gzip -P x; 7zip -pv',
    'xusermod -p 1; useradder -p 2; groupadd.log -p 3',
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it('in process.command_args', () => {
    const cases: [string[], string[]][] = [
      [
        ['sshpass', '-p', 's3cret', 'ssh', 'host'],
        ['sshpass', '-p', R, 'ssh', 'host'],
      ],
      [
        ['/opt/mssql-tools/bin/sqlcmd', '-S', 'db', '-P', 's3cret'],
        ['/opt/mssql-tools/bin/sqlcmd', '-S', 'db', '-P', R],
      ],
      [
        ['ldapsearch', '-x', '-w', 's3cret'],
        ['ldapsearch', '-x', '-w', R],
      ],
      [
        ['docker', 'login', '-u', 'bob', '-p', 's3cret'],
        ['docker', 'login', '-u', 'bob', '-p', R],
      ],
      [
        ['usermod', '-p', '$6$salt$hash', 'bob'],
        ['usermod', '-p', R, 'bob'],
      ],
      [
        ['docker', 'run', '-p', '8080:80', 'img'],
        ['docker', 'run', '-p', '8080:80', 'img'],
      ],
      [
        ['az', 'login', '--service-principal', '-u', 'id', '-p', 's3cret', '--tenant', 't'],
        ['az', 'login', '--service-principal', '-u', 'id', '-p', R, '--tenant', 't'],
      ],
      [
        ['mongosh', '-u', 'admin', '-p', 's3cret'],
        ['mongosh', '-u', 'admin', '-p', R],
      ],
      [
        ['/usr/bin/zip', '-P', 's3cret', 'out.zip'],
        ['/usr/bin/zip', '-P', R, 'out.zip'],
      ],
      [
        ['ssh', '-p', '22', 'host'],
        ['ssh', '-p', '22', 'host'],
      ],
    ];
    for (const [args, expected] of cases) {
      const attributes = { 'process.command_args': args };
      redactor.attributes(attributes);
      expect(attributes['process.command_args']).toEqual(expected);
    }
  });
});
