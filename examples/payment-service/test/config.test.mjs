// Reading the environment: a bad value warns once and falls back. Run: npm test (in examples/payment-service)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/config.mjs';

test('a FRAUD_THRESHOLD that is no number falls back to 10000 with one warning, instead of refusing nothing', () => {
  // Number('10k') is NaN, and `amount > NaN` is false: every charge passed the fraud check.
  for (const value of ['10k', '-5', 'NaN', '']) {
    const config = loadConfig({ FRAUD_THRESHOLD: value });
    assert.equal(config.fraudThreshold, 10_000, value);
    assert.deepEqual(
      config.warnings,
      value ? [`FRAUD_THRESHOLD=${value} is not a number in [0, 1000000000000], using 10000`] : [],
    );
  }
  assert.equal(loadConfig({ FRAUD_THRESHOLD: '2500.50' }).fraudThreshold, 2500.5);
});

test('a PORT that is no port falls back with one warning', () => {
  const config = loadConfig({ PORT: '80a' });
  assert.equal(config.port, 3002);
  assert.deepEqual(config.warnings, ['PORT=80a is not a whole number in [0, 65535], using 3002']);
});
