// OAuth 1.0a's request signature (`oauth_signature=…`) and Shopify's OAuth redirect's `hmac=…`
// (`/auth/callback?code=…&hmac=…&shop=…`) went out (2026-12-07): in a URL's query, a request target
// without a scheme, a log line's `name=value`. Only these exact names: `signature` alone stays no
// secret name in text (fetch and DOM text use it).
import type { Attributes } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';
const HMAC = '700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf';

describe('signature parameters', () => {
  it('in URL attributes', () => {
    const attributes: Attributes = {
      'url.full': `https://shop.example/auth/callback?code=0907a61c&hmac=${HMAC}&shop=a.myshopify.com`,
      'url.query': 'oauth_consumer_key=dpf43f3p2l4k3l03&oauth_signature=tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D',
    };
    redactor.attributes(attributes);
    expect(attributes).toEqual({
      'url.full': 'https://shop.example/auth/callback?code=REDACTED&hmac=REDACTED&shop=a.myshopify.com',
      'url.query': 'oauth_consumer_key=dpf43f3p2l4k3l03&oauth_signature=REDACTED',
    });
  });

  it.each([
    [
      `GET /auth/callback?hmac=${HMAC}&shop=a.myshopify.com 302`,
      `GET /auth/callback?hmac=${R}&shop=a.myshopify.com 302`,
    ],
    [`shopify callback hmac=${HMAC} shop=a.myshopify.com`, `shopify callback hmac=${R} shop=a.myshopify.com`],
    [
      'oauth_signature_method=HMAC-SHA1 oauth_signature=tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D',
      `oauth_signature_method=HMAC-SHA1 oauth_signature=${R}`,
    ],
    [`{"hmac":"${HMAC}","shop":"a"}`, `{"hmac":"${R}","shop":"a"}`],
    // OpenSSL's HMAC key as a one-dash flag's value, which the name makes a secret too.
    ['openssl dgst -sha256 -hmac s3cr3tK3y body.json', `openssl dgst -sha256 -hmac ${R} body.json`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    'signature=valid',
    'signature verified for order 1234',
    'oauth_signature_method=HMAC-SHA1&oauth_version=1.0',
    'hmac verification failed for shop a.myshopify.com',
    'algorithm=hmac-sha256',
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });
});
