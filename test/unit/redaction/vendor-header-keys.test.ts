// Honeycomb's API key header, `x-honeycomb-team` (its docs set up OpenTelemetry with
// `OTEL_EXPORTER_OTLP_HEADERS=x-honeycomb-team=<key>`), and Azure Functions' `x-functions-key` went
// out (2026-12-07): neither name says key or token. In an env dump, a config error, a header
// attribute.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('vendor API key headers', () => {
  it.each([
    [
      'OTEL_EXPORTER_OTLP_HEADERS=x-honeycomb-team=hcKey123,x-honeycomb-dataset=prod',
      `OTEL_EXPORTER_OTLP_HEADERS=x-honeycomb-team=${R},x-honeycomb-dataset=prod`,
    ],
    ["{ 'x-honeycomb-team': 'hcKey123' }", `{ 'x-honeycomb-team': '${R}' }`],
    ['x-functions-key: fnKey123', `x-functions-key: ${R}`],
    [
      'curl -H "X-Honeycomb-Team: hcKey123" https://api.honeycomb.io',
      `curl -H "X-Honeycomb-Team: ${R}" https://api.honeycomb.io`,
    ],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it('as header attributes', () => {
    const attributes = {
      'http.request.header.x-honeycomb-team': 'hcKey123',
      'http.request.header.x-functions-key': 'fnKey123',
      'http.request.header.x-honeycomb-dataset': 'prod',
    };
    redactor.attributes(attributes);
    expect(attributes).toEqual({
      'http.request.header.x-honeycomb-team': R,
      'http.request.header.x-functions-key': R,
      'http.request.header.x-honeycomb-dataset': 'prod',
    });
  });

  it('kept: the dataset, and the team in prose', () => {
    const text = 'x-honeycomb-dataset=prod; sent to the honeycomb team';
    expect(redactor.text(text)).toBe(text);
  });
});
