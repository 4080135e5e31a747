// The ioredis instrumentation records a command's arguments in `db.statement`, and masking keeps
// bare words: a session id in a connect-redis key (`GET sess:<id>`) went out as it was (AUTH's
// arguments the instrumentation leaves out itself). A canary put through the real Redis as a
// session id must reach no byte the receiver gets; the statements keep the command and the key's
// namespace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spansOfApp } from '../../support/app-spans.js';
import type { OtlpReceiver, ReceivedSpan } from '../../support/otlp-receiver.mjs';

const CANARY = 'rdC4n4ry7Qx';
let rx: OtlpReceiver;
let spans: ReceivedSpan[];

beforeAll(async () => {
  ({ rx, spans } = await spansOfApp(
    'test/fixtures/redis-session-app.cjs',
    {
      OTEL_SERVICE_NAME: 'redis-session-app',
      CANARY,
    },
    5,
  ));
}, 30_000);
afterAll(() => rx.stop());

function statements(): string[] {
  return spans.flatMap((s) => {
    const statement = s.attributes['db.statement'] ?? s.attributes['db.query.text'];
    return statement === undefined ? [] : [String(statement)];
  });
}

describe('Redis commands', () => {
  it('reach the receiver with session ids replaced, command and namespace kept', () => {
    const all = statements();
    expect(all).toContain('get sess:[REDACTED]');
    expect(all.some((s) => s.startsWith('set sess:[REDACTED]'))).toBe(true);
    expect(all).toContain('exists myapp:session:[REDACTED] refresh_token:[REDACTED]');
    expect(all).toContain('del sess:[REDACTED]');
  });

  it('leave the canary in no byte the receiver got', () => {
    expect(rx.rawBytes().includes(CANARY)).toBe(false);
  });
});
