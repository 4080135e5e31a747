// PostgreSQL quotes the offending value in its errors, and the pg instrumentation records them as
// the query span's exception message and status: `invalid input syntax for type integer:
// "<value>"`. An app that wraps an error with its `detail` adds `Key (email)=(<value>) already
// exists.` or `Failing row contains (<value>, -1).` A canary put through the real PostgreSQL must
// reach no byte the receiver gets; the messages keep their shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spansOfApp } from '../../support/app-spans.js';
import type { OtlpReceiver, ReceivedSpan } from '../../support/otlp-receiver.mjs';

const CANARY = 'pgC4n4ry9Zq';
let rx: OtlpReceiver;
let spans: ReceivedSpan[];

beforeAll(async () => {
  ({ rx, spans } = await spansOfApp(
    'test/fixtures/pg-error-app.cjs',
    {
      OTEL_SERVICE_NAME: 'pg-error-app',
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/test',
      CANARY,
    },
    7,
  ));
}, 30_000);
afterAll(() => rx.stop());

/** Every exception message and status message of the received spans. */
function messages(): string[] {
  return spans.flatMap((s) => [
    ...(s.status?.message ? [s.status.message] : []),
    ...s.events.flatMap((e) => (e.name === 'exception' ? [String(e.attributes['exception.message'])] : [])),
  ]);
}

describe('PostgreSQL errors that quote a value', () => {
  it('reach the receiver with the value replaced and the message kept', () => {
    const all = messages().join('\n');
    expect(all).toContain('invalid input syntax for type integer: "[REDACTED]"');
    expect(all).toContain('Key (email)=([REDACTED]) already exists.');
    expect(all).toContain('Failing row contains ([REDACTED]).');
  });

  it('leave the canary in no byte the receiver got', () => {
    expect(rx.rawBytes().includes(CANARY)).toBe(false);
  });
});
