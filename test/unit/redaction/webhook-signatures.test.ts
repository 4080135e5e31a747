// Webhook signature headers went out (2026-12-07): GitHub's `x-hub-signature(-256)`, Stripe's,
// Slack's, Twilio's, Shopify's, Standard Webhooks' (`webhook-signature`, Svix's) and LINE's. Each is
// an HMAC of the delivery under the endpoint's secret: whoever reads the trace can replay it, and with
// the body test guesses of a weak secret offline. As header attributes, in a raw header list, in text.
import type { Attributes } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';
const HEX = '5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd';
const B64 = 'K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=';

/** Each header with a value of its own shape. */
const HEADERS: [string, string][] = [
  ['x-hub-signature', 'sha1=7d38cdd689735b008b3c702edd92eea23791c5f6'],
  ['x-hub-signature-256', `sha256=${HEX}`],
  ['stripe-signature', `t=1492774577,v1=${HEX},v0=${HEX}`],
  ['x-slack-signature', `v0=${HEX}`],
  ['x-twilio-signature', 'RSv1H5nLOYYzUoOHY2FQcP3TH+s='],
  ['x-shopify-hmac-sha256', B64],
  ['webhook-signature', `v1,${B64} v1a,${B64}`],
  ['svix-signature', `v1,${B64}`],
  ['x-line-signature', B64],
];

describe('webhook signature headers', () => {
  it.each(HEADERS)('%s as a header attribute', (name, value) => {
    const attributes: Attributes = {
      [`http.request.header.${name}`]: [value],
      'http.request.header.content-type': ['application/json'],
    };
    redactor.attributes(attributes);
    expect(attributes).toEqual({
      [`http.request.header.${name}`]: [R],
      'http.request.header.content-type': ['application/json'],
    });
  });

  it.each(HEADERS)('%s: value in text', (name, value) => {
    const title = name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
    expect(redactor.text(`${title}: ${value}`)).toBe(`${title}: ${R}`);
    expect(redactor.text(`{"${name}":"${value}","host":"h"}`)).toBe(`{"${name}":"${R}","host":"h"}`);
    expect(redactor.text(`headers: { '${name}': '${value}', host: 'h' }`)).toBe(
      `headers: { '${name}': '${R}', host: 'h' }`,
    );
  });

  it.each(HEADERS)('%s in a raw header list', (name, value) => {
    const title = name.toUpperCase();
    expect(redactor.text(`[ 'Host', 'h', '${title}', '${value}' ]`)).toBe(
      `[ 'Host', 'h', '${title}', '${R}' ]`,
    );
    const attributes: Attributes = { 'http.raw_headers': ['Host', 'h', title, value] };
    redactor.attributes(attributes);
    expect(attributes['http.raw_headers']).toEqual(['Host', 'h', title, R]);
  });

  it.each([
    // Stripe's and Standard Webhooks' values hold `,` and spaces: every signature goes, not the first part.
    [`stripe-signature=t=1,v1=${HEX}`, `stripe-signature=${R}`],
    [
      `curl -H "Svix-Signature: v1,${B64} v1,${B64}" http://127.0.0.1/hook`,
      `curl -H "Svix-Signature: ${R}" http://127.0.0.1/hook`,
    ],
    [`x-hub-signature-256=sha256=${HEX} delivery=72d3162e`, `x-hub-signature-256=${R} delivery=72d3162e`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    'signature verified',
    'signature=valid',
    'x-hub-signature-256 header missing',
    'Stripe-Signature header is required',
    'webhook signature: ok',
    'x-github-delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958',
    'x-github-event=push',
    "{ 'content-type': 'application/json', 'x-slack-request-timestamp': '1531420618' }",
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it('kept: other headers, and `signature` alone as a key', () => {
    const attributes: Attributes = {
      'http.request.header.x-github-event': ['push'],
      'http.request.header.x-slack-request-timestamp': ['1531420618'],
      'webhook.signature_valid': true,
      'crypto.signature.algorithm': 'ed25519',
    };
    const before = structuredClone(attributes);
    redactor.attributes(attributes);
    expect(attributes).toEqual(before);
  });
});

// CGI, Rack and WSGI name a request's headers in the environment `HTTP_<NAME>` with `_` for `-`
// (a logged `request.env`, `printenv` in a handler): those went out.
describe('the same headers as a CGI-style environment names them', () => {
  it.each(HEADERS)('HTTP_%s=… in text', (name, value) => {
    const env = `HTTP_${name.replaceAll('-', '_').toUpperCase()}`;
    expect(redactor.text(`${env}=${value}\nHTTP_ACCEPT=*/*`)).toBe(`${env}=${R}\nHTTP_ACCEPT=*/*`);
  });

  it.each([
    ['HTTP_X_HONEYCOMB_TEAM=hcaik_01abc', `HTTP_X_HONEYCOMB_TEAM=${R}`],
    ['HTTP_X_FUNCTIONS_KEY=abc123', `HTTP_X_FUNCTIONS_KEY=${R}`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each(['HTTP_X_SIGNATURE_VERSION=2', 'HTTP_USER_AGENT=Stripe/1.0', 'SIGNATURE_ALGORITHM=sha256'])(
    'kept: %s',
    (text) => {
      expect(redactor.text(text)).toBe(text);
    },
  );
});
