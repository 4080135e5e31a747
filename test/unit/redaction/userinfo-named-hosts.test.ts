// `user:password@host` without a scheme, port or path (2026-12-06): `connect to admin:pw@db.internal
// failed` went out whole, as userinfo.ts read a login only before a port, a path, an IPv4 address or
// `localhost`. A dotted host name whose last label is a word (`db.internal`, `db.example.com`) is now
// one too, unless what is before the `:` names an address (`mailto:`, `email:`, `cc:`, `smtp:`), so
// an email address after a label, a version, a retina image name and a time are kept.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('user:password@host.name without a port or path', () => {
  it.each([
    ['connect to admin:pw@db.internal failed', `connect to admin:${R}@db.internal failed`],
    ['reach admin:pw@db.example.com.', `reach admin:${R}@db.example.com.`],
    ['(app:s3cr3t!@redis-1.prod.svc)', `(app:${R}@redis-1.prod.svc)`],
    ['mongo app:p@ss@db.internal, retrying', `mongo app:${R}@db.internal, retrying`],
    ['DATABASE=admin:s3cret@db.internal', `DATABASE=admin:${R}@db.internal`],
    ['admin:pw@10.0.0.5 and admin:pw@LOCALHOST', `admin:${R}@10.0.0.5 and admin:${R}@LOCALHOST`],
    // A user named after nothing that names an address: a password is the likelier reading.
    ['user:hunter2@db.example.com', `user:${R}@db.example.com`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    'mailto:bob@example.com, email:bob@example.com, E-Mail:bob@example.com',
    'To:bob@example.com Cc:ann@example.org bcc:x@example.net Reply-To:y@example.io',
    'Re:bob@example.com; from:ann@example.com; author:ann@example.com',
    'smtp:alias@contoso.com SMTP:bob@contoso.com xmpp:romeo@montague.net acct:bob@example.com',
    'jid:juliet@capulet.example cid:image001.png@01D9A2B3.4C5D6E70',
    // Times, versions, retina images, one-letter labels.
    'meeting 12:30@noon.today, 10:30@room.b',
    'key:value@version, key:value@1.2.3, pkg:lodash@4.17.21',
    'assets:logo@2x.png, sprite:icon@1.5x.png',
    'ratio a:b@c.d in prose, x:y@z.T',
    'git@github.com:org/repo.git and bob@example.com:22',
    // A label's `:` right before the `@`, and a SIP address.
    'jdbc:oracle:thin:@db.example.com, sip:alice@atlanta.example.com',
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });
});
