// Issue 6 proof: a canary secret sent through headers, URLs, SQL and an exception message never
// reaches the collector's bytes. Real OTLP/gRPC exporter, real receiver on loopback.
import { context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedactionProcessor } from '../../../src/redaction/redaction-processor.js';
import { type OtlpReceiver, startReceiver } from '../../support/otlp-receiver.mjs';
import { createPipeline } from '../export/pipeline.js';

const CANARY = 'c4n4ry7Zq9';
let rx: OtlpReceiver;
beforeAll(async () => {
  rx = await startReceiver({ port: 0 });
});
afterAll(async () => {
  await rx.stop();
});
beforeEach(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('secret scrubbing end to end', () => {
  it('never sends the canary to the collector', async () => {
    const p = createPipeline({ endpoint: rx.endpoint, first: [createRedactionProcessor(undefined)] });
    const span = p.tracer.startSpan(`GET /login?token=${CANARY}`, {
      attributes: {
        'http.request.header.authorization': [`Bearer ${CANARY}`],
        'http.request.header.cookie': [`session=${CANARY}; theme=dark`],
        'http.request.header.x-api-key': [CANARY],
        'http.request.headers': JSON.stringify({ 'proxy-authorization': `Basic ${CANARY}` }),
        'url.full': `https://admin:${CANARY}@api.example.com/v1/users?access_token=${CANARY}&page=1`,
        'url.query': `sig=${CANARY}`,
        'http.target': `/cb?code=${CANARY}`,
        'db.statement': `SELECT * FROM users WHERE api_secret = '${CANARY}' AND pin = 98127361`,
        'db.query.text': `UPDATE accounts SET password = $pw$${CANARY}$pw$`,
      },
    });
    const error = new Error(
      `request to https://svc:${CANARY}@internal/api failed: password=${CANARY}, header Authorization: Token ${CANARY}`,
    );
    span.recordException(error);
    span.addEvent('retry', { 'http.request.header.x-auth-token': CANARY });
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.end();
    await p.processor.forceFlush();
    const [received] = await rx.waitForSpans(1, { timeoutMs: 5000 });
    expect(received?.attributes['url.full']).toBe(
      'https://REDACTED:REDACTED@api.example.com/v1/users?access_token=REDACTED&page=1',
    );
    expect(received?.attributes['db.statement']).toBe('SELECT * FROM users WHERE api_secret = ? AND pin = ?');
    const bytes = rx.rawBytes();
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes(Buffer.from(CANARY))).toBe(false);
    expect(bytes.includes(Buffer.from('98127361'))).toBe(false);
    await p.provider.shutdown();
  });
});
