// Reading the environment: a bad value warns once and falls back. Run: npm test (in examples/user-service)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/config.mjs';

test('a CACHE_TTL_SECONDS that is no number falls back to 60 with one warning, instead of failing every cache write', () => {
  // Number('1m') is NaN: `SET … EX NaN` failed on every lookup ('profile cache not refreshed').
  const config = loadConfig({ CACHE_TTL_SECONDS: '1m' });
  assert.equal(config.cacheTtlSeconds, 60);
  assert.deepEqual(config.warnings, [
    'CACHE_TTL_SECONDS=1m is not a whole number of seconds in [1, 2592000], using 60',
  ]);
  assert.equal(loadConfig({ CACHE_TTL_SECONDS: '300' }).cacheTtlSeconds, 300);
});
