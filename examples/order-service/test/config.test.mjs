// Reading the environment: a bad value warns once and falls back. Run: npm test (in examples/order-service)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/config.mjs';

test('INCOMING_TRACE_CONTEXT: trust unless set; a value that is neither trust nor ignore gives ignore with one warning', () => {
  assert.equal(loadConfig({}).incomingTraceContext, 'trust');
  assert.equal(loadConfig({ INCOMING_TRACE_CONTEXT: ' ' }).incomingTraceContext, 'trust');
  assert.equal(loadConfig({ INCOMING_TRACE_CONTEXT: 'ignore' }).incomingTraceContext, 'ignore');
  const typo = loadConfig({ INCOMING_TRACE_CONTEXT: 'ingore' });
  assert.equal(typo.incomingTraceContext, 'ignore');
  assert.deepEqual(typo.warnings, ['INCOMING_TRACE_CONTEXT=ingore is not trust or ignore, using ignore']);
});

test('a PAYMENT_TIMEOUT_MS that is no duration falls back to 5000 with one warning', () => {
  const config = loadConfig({ PAYMENT_TIMEOUT_MS: '5s' });
  assert.equal(config.paymentTimeoutMs, 5000);
  assert.deepEqual(config.warnings, [
    'PAYMENT_TIMEOUT_MS=5s is not a whole number of milliseconds in [100, 60000], using 5000',
  ]);
  assert.equal(loadConfig({ PAYMENT_TIMEOUT_MS: '1500' }).paymentTimeoutMs, 1500);
});
