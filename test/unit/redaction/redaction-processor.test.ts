import { context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import * as stable from '@opentelemetry/semantic-conventions';
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { beforeEach, describe, expect, it } from 'vitest';
import { createRedactionProcessor } from '../../../src/redaction/redaction-processor.js';
import { createRedactor } from '../../../src/redaction/redactor.js';
import type { RedactionOptions } from '../../../src/types.js';

function pipeline(options?: RedactionOptions) {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [createRedactionProcessor(options), new SimpleSpanProcessor(memory)],
  });
  return { tracer: provider.getTracer('t'), spans: () => memory.getFinishedSpans() };
}

beforeEach(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

describe('createRedactionProcessor', () => {
  it('scrubs header attributes in every form', () => {
    const p = pipeline();
    const span = p.tracer.startSpan('GET');
    span.setAttributes({
      'http.request.header.authorization': ['Bearer abcdef123456'],
      'http.request.header.x-api-key': 'k-123',
      'http.request.header.x_auth_token': 'tok',
      'http.response.header.set-cookie': ['sid=1; HttpOnly', 'b=2'],
      'http.request.header.accept': ['text/html'],
      'http.request.headers': JSON.stringify({ Cookie: 'a=1; b=2', accept: '*/*', 'X-CSRF-Token': 'zz' }),
      'http.request.method': 'GET',
      'http.response.status_code': 200,
    });
    span.end();
    const attrs = p.spans()[0]!.attributes;
    expect(attrs['http.request.header.authorization']).toEqual(['[REDACTED]']);
    expect(attrs['http.request.header.x-api-key']).toBe('[REDACTED]');
    expect(attrs['http.request.header.x_auth_token']).toBe('[REDACTED]');
    expect(attrs['http.response.header.set-cookie']).toEqual(['[REDACTED]', '[REDACTED]']);
    expect(attrs['http.request.header.accept']).toEqual(['text/html']);
    expect(JSON.parse(attrs['http.request.headers'] as string)).toEqual({
      Cookie: '[REDACTED]',
      accept: '*/*',
      'X-CSRF-Token': '[REDACTED]',
    });
    expect(attrs['http.request.method']).toBe('GET');
    expect(attrs['http.response.status_code']).toBe(200);
  });

  it('scrubs URL attributes', () => {
    const p = pipeline();
    const span = p.tracer.startSpan('GET');
    span.setAttributes({
      'url.full': 'https://u:p@api.example.com/v1?api_key=abc&page=2',
      'http.url': 'http://example.com/?password=x',
      'http.target': '/login?token=abc',
      'url.query': 'sig=abc&x=1',
    });
    span.end();
    expect(p.spans()[0]!.attributes).toMatchObject({
      'url.full': 'https://REDACTED:REDACTED@api.example.com/v1?api_key=REDACTED&page=2',
      'http.url': 'http://example.com/?password=REDACTED',
      'http.target': '/login?token=REDACTED',
      'url.query': 'sig=REDACTED&x=1',
    });
  });

  it('classifies keys longer than every known name by their last segment and suffix', () => {
    // classify() skips the whole-key lookups a long key cannot match (2,048 distinct keys of 256
    // characters had cost 1.6 ms of span.end()); these must still decide as before.
    const p = pipeline();
    const long = 'app.'.padEnd(300, 'x');
    const span = p.tracer.startSpan('GET');
    span.setAttributes({
      [`${long}.password`]: 'hunter2',
      [`${long}.Client_Secret`]: 'shh',
      [`${long}.callback_URL`]: 'https://u:p@cb.example.com/?token=abc&x=1',
      [`${long}.homepage.uri`]: 'https://example.com/?sig=abc',
      [`${long}.note`]: 'password=hunter2 at https://u:p@example.com',
      'HTTP.URL': 'http://example.com/?password=x',
      'Http.Request.Method': 'GET?password=x',
    });
    span.end();
    expect(p.spans()[0]!.attributes).toEqual({
      [`${long}.password`]: '[REDACTED]',
      [`${long}.Client_Secret`]: '[REDACTED]',
      [`${long}.callback_URL`]: 'https://REDACTED:REDACTED@cb.example.com/?token=REDACTED&x=1',
      [`${long}.homepage.uri`]: 'https://example.com/?sig=REDACTED',
      [`${long}.note`]: 'password=[REDACTED] at https://REDACTED:REDACTED@example.com',
      'HTTP.URL': 'http://example.com/?password=REDACTED',
      'Http.Request.Method': 'GET?password=x',
    });
  });

  // `db.password` was replaced but `db_password`, `DB_PASSWORD`, `app.api_token`, `github_token`
  // and `aws.secret_access_key` went out as set: keys matched a secret name whole or by their last
  // dotted segment only, while free text took `db_password=…` for a secret.
  it('takes a key that ends in a secret name after a separator (or glued, for some) for a secret', () => {
    const p = pipeline();
    const secret = {
      db_password: 'v1',
      DB_PASSWORD: 'v2',
      'app.api_token': 'v3',
      github_token: 'v4',
      'aws.secret_access_key': 'v5',
      token: 'v6',
      'svc.X-Auth-Token': 'v7',
      mytoken: 'm',
    };
    const kept = {
      sort_key: 'name',
      'app.tokens': 3,
      'app.tokenizer': 'x',
      'user.password_hash': 'h',
      'app.token_count': 2,
    };
    const span = p.tracer.startSpan('op', { attributes: { ...secret, ...kept } });
    span.addEvent('e', { ...secret, ...kept });
    span.addLink({ context: span.spanContext(), attributes: { ...secret, ...kept } });
    span.end();
    const s = p.spans()[0]!;
    const redacted = Object.fromEntries(Object.keys(secret).map((k) => [k, '[REDACTED]']));
    for (const attributes of [s.attributes, s.events[0]!.attributes, s.links[0]!.attributes])
      expect(attributes).toEqual({ ...redacted, ...kept });
  });

  it('takes no semantic-convention attribute for a secret but the connection string', () => {
    const r = createRedactor();
    const keys = [...Object.entries(stable), ...Object.entries(incubating)]
      .filter(([name, value]) => name.startsWith('ATTR_') && typeof value === 'string')
      .map(([, value]) => value as string);
    expect(keys.length).toBeGreaterThan(500);
    const attributes = Object.fromEntries(keys.map((k) => [k, 'plain value']));
    r.attributes(attributes);
    expect(Object.keys(attributes).filter((k) => attributes[k] === '[REDACTED]')).toEqual([
      'db.connection_string',
    ]);
  });

  it.each([
    ['mask', 'SELECT * FROM t WHERE a = ?'],
    ['keep', "SELECT * FROM t WHERE a = 'x'"],
  ] as const)('db statements: %s', (mode, expected) => {
    const p = pipeline({ dbStatement: mode });
    p.tracer.startSpan('q', { attributes: { 'db.statement': "SELECT * FROM t WHERE a = 'x'" } }).end();
    expect(p.spans()[0]!.attributes['db.statement']).toBe(expected);
  });

  it('db statements: hash', () => {
    const p = pipeline({ dbStatement: 'hash' });
    p.tracer.startSpan('q', { attributes: { 'db.query.text': "SELECT 'x'" } }).end();
    expect(p.spans()[0]!.attributes['db.query.text']).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('scrubs exception messages, stack traces and the status message', () => {
    const p = pipeline();
    const span = p.tracer.startSpan('op');
    const error = new Error(`login failed: password=hunter2 token ${JWT} via https://a:b@h/x?token=t`);
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.end();
    const s = p.spans()[0]!;
    const event = s.events[0]!;
    for (const text of [
      event.attributes?.['exception.message'] as string,
      event.attributes?.['exception.stacktrace'] as string,
      s.status.message ?? '',
    ]) {
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain(JWT);
      expect(text).not.toContain('a:b@');
      expect(text).toContain('password=[REDACTED]');
    }
  });

  // `private_key` was a secret attribute key, but `private_key=…` in an exception message went
  // out, as did the AWS secret key of a failed SDK call's `aws_secret_access_key=…` and a
  // `passphrase=…`: the free-text names stopped at `secret`, `password`, `token`...
  it('scrubs secret and private keys and passphrases named in text', () => {
    const p = pipeline();
    const span = p.tracer.startSpan('op');
    span.recordException(
      new Error(
        'config: AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY secret_key=sk1 ' +
          'privateKey: "pk1" passphrase=pp1 sort_key=name',
      ),
    );
    span.setAttribute('url.full', 'https://h/p?secret_key=sk2&passphrase=pp2&private-key=pk2');
    span.end();
    const s = p.spans()[0]!;
    expect(s.events[0]!.attributes?.['exception.message']).toBe(
      'config: AWS_SECRET_ACCESS_KEY=[REDACTED] secret_key=[REDACTED] privateKey: "[REDACTED]" ' +
        'passphrase=[REDACTED] sort_key=name',
    );
    expect(s.attributes['url.full']).toBe(
      'https://h/p?secret_key=REDACTED&passphrase=REDACTED&private-key=REDACTED',
    );
  });

  // Names were scrubbed only when they held `?` or `://` (spans) or `://` or `=` (events): a span
  // or event named with a bearer token, a `password: …` pair, a JWT or a match of the user's own
  // `patterns` went out as named.
  it('scrubs span and event names of every shape', () => {
    const p = pipeline({ patterns: [/\bacct-\d{6}\b/] });
    const span = p.tracer.startSpan('login password: hunter2');
    span.addEvent('Authorization: Basic dXNlcjpwYXNzd29yZA==');
    span.addEvent(`retry with ${JWT}`);
    span.addEvent('charge acct-123456');
    span.addEvent('exception');
    span.end();
    const s = p.spans()[0]!;
    expect(s.name).toBe('login password: [REDACTED]');
    expect(s.events.map((e) => e.name)).toEqual([
      'Authorization: [REDACTED]',
      'retry with [REDACTED]',
      'charge [REDACTED]',
      'exception',
    ]);
  });

  it('scrubs a JSON body quoted inside a JSON string', () => {
    const p = pipeline();
    const span = p.tracer.startSpan('op');
    span.recordException(new Error('{"body":"{\\"user\\":\\"bob\\",\\"password\\":\\"hunter2\\"}"}'));
    span.end();
    expect(p.spans()[0]!.events[0]!.attributes?.['exception.message']).toBe(
      '{"body":"{\\"user\\":\\"bob\\",\\"password\\":\\"[REDACTED]\\"}"}',
    );
  });

  it('replaces value patterns anywhere in string values', () => {
    const r = createRedactor();
    expect(r.text('auth Bearer abc.def-123456')).toBe('auth [REDACTED]');
    expect(r.text('key AKIAIOSFODNN7EXAMPLE used')).toBe('key [REDACTED] used');
    expect(r.text('card 4111 1111 1111 1111 ok')).toBe('card [REDACTED] ok');
    expect(r.text('ts 1732471234567 and 4111111111111112')).toBe('ts 1732471234567 and 4111111111111112');
    expect(r.text('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----')).toBe('[REDACTED]');
    expect(r.text(`jwt=${JWT}`)).not.toContain('eyJ');
    expect(r.text('Cookie: a=1; b=2\nAccept: */*')).toBe('Cookie: [REDACTED]\nAccept: */*');
  });

  // A fresh-clone CI run (2026-12-04) found our own log line naming "trace c4f76076d4bec2edb[REDACTED]":
  // a random hex id can hold a Luhn-valid run of card-range digits between two hex letters.
  it('leaves card-like digit runs inside hex ids and words alone', () => {
    const r = createRedactor();
    const traceId = 'abcdefab4111111111111111abcdefab';
    expect(r.text(`span "giant" (trace ${traceId}, span 99487b0166ee8fb3) card 4111111111111111`)).toBe(
      `span "giant" (trace ${traceId}, span 99487b0166ee8fb3) card [REDACTED]`,
    );
    expect(r.text(`sha ${'f'.repeat(8)}4111111111111111 x`)).toBe(`sha ${'f'.repeat(8)}4111111111111111 x`);
    expect(r.text('id_4111111111111111')).toBe('id_4111111111111111');
    for (const text of ['card:4111111111111111', '(4111-1111-1111-1111)', 'n=4111111111111111&']) {
      expect(r.text(text)).not.toContain('4111');
    }
  });

  // A `keys` name was a secret in free text (`x-tenant-key=…`) but not as a query parameter.
  it('takes user key names for secret query parameters too', () => {
    const p = pipeline({ keys: ['x-tenant-key', /^app\./] });
    p.tracer
      .startSpan('op', {
        attributes: {
          note: 'x-tenant-key=t1',
          'url.full': 'https://e.com/?X-Tenant-Key=t2&app.a=3',
          'url.query': 'x-tenant-key=t3',
        },
      })
      .end();
    expect(p.spans()[0]!.attributes).toEqual({
      note: 'x-tenant-key=[REDACTED]',
      'url.full': 'https://e.com/?X-Tenant-Key=REDACTED&app.a=3',
      'url.query': 'x-tenant-key=REDACTED',
    });
  });

  it('adds user keys, patterns and query params to the defaults', () => {
    const p = pipeline({
      keys: ['tenant.secret_code', /^app\.internal\./],
      patterns: [/ACME-[0-9]{6}/],
      queryParams: ['session_ref'],
      replacement: '***',
    });
    p.tracer
      .startSpan('op', {
        attributes: {
          'tenant.secret_code': 'x',
          'app.internal.id': 7,
          // A token, not a word: `Bearer <lowercase word>` is prose (auth-schemes.test.ts).
          note: 'order ACME-123456 Bearer abcd3fgh1j',
          'url.full': 'https://e.com/?session_ref=1&token=2',
          'http.request.header.authorization': 'Basic dXNlcjpwYXNz',
        },
      })
      .end();
    expect(p.spans()[0]!.attributes).toMatchObject({
      'tenant.secret_code': '***',
      'app.internal.id': '***',
      note: 'order *** ***',
      'url.full': 'https://e.com/?session_ref=REDACTED&token=REDACTED',
      'http.request.header.authorization': '***',
    });
  });
});
