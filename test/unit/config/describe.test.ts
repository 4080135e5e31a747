// describeConfig and the one-line start-up summary: what is in effect, secrets never shown.
import { describe, expect, it } from 'vitest';
import { describeConfig, summaryLine } from '../../../src/config/describe.js';
import { resolveConfig } from '../../../src/config/resolve.js';
import { base, captureWarnings } from './capture.js';

captureWarnings();

describe('describeConfig and the start-up summary never show secrets', () => {
  it('redacts header values and URL credentials', () => {
    const config = resolveConfig(
      { headers: { authorization: 'Bearer s3cr3t' }, endpoint: 'https://user:pw@collector.example:4317' },
      base,
    );
    const described = JSON.stringify(describeConfig(config));
    expect(described).not.toContain('s3cr3t');
    expect(described).not.toContain(':pw@');
    expect(described).toContain('[REDACTED]');
    const line = summaryLine(config);
    expect(line).not.toContain('s3cr3t');
    expect(line).not.toContain(':pw@');
    expect(line).toContain('headers [REDACTED]');
  });

  it('scrubs resource attribute values and secret endpoint query parameters (issue 20)', () => {
    const config = resolveConfig(
      { endpoint: 'https://collector.example:4318/v1/traces?api_key=s3cr3t' },
      { ...base, OTEL_RESOURCE_ATTRIBUTES: 'team=a,db.password=s3cr3t,vault.url=https://u:s3cr3t@v/x' },
    );
    const described = describeConfig(config);
    expect(JSON.stringify(described)).not.toContain('s3cr3t');
    expect(described.resourceAttributes).toMatchObject({ team: 'a', 'db.password': '[REDACTED]' });
    expect(described.endpoint).toBe('https://collector.example:4318/v1/traces?api_key=REDACTED');
    expect(summaryLine(config)).not.toContain('s3cr3t');
  });

  // A sampler given in code whose toString() threw made initTracing() throw that error.
  it("a custom sampler's toString() that throws or gives no string is shown as custom", () => {
    const shouldSample = () => ({ decision: 1 });
    const throwing = {
      shouldSample,
      toString(): string {
        throw new Error('toString boom');
      },
    };
    const notString = { shouldSample, toString: () => ({}) as string };
    for (const sampler of [throwing, notString]) {
      const config = resolveConfig({ sampler }, base);
      expect(describeConfig(config).sampler).toBe('custom');
    }
    const long = { shouldSample, toString: () => 'S'.repeat(10_000) };
    expect(describeConfig(resolveConfig({ sampler: long }, base)).sampler.length).toBeLessThan(300);
  });
});

// A 120 KB service name filled the start-up line, which is cut at 8,192 characters (diag/log.ts):
// the exporter, sampler, propagators and instrumentations after it were never shown.
describe('the start-up summary keeps its fields whatever the length of the values in it', () => {
  const long = (c: string) => c.repeat(120_000);
  it.each([
    [
      'serviceName',
      { serviceName: long('s') },
      /^tracing s{200}… \(119800 more characters\)@1 → otlp\/grpc /,
    ],
    ['serviceVersion', { serviceVersion: long('v') }, /^tracing svc@v{200}… \(119800 more characters\) → /],
    ['environment', { environment: long('e') }, /^tracing svc@1 \(e{200}… \(119800 more characters\)\) → /],
    [
      'endpoint',
      { endpoint: `http://collector:4317/${long('p')}` },
      /→ otlp\/grpc http:\/\/collector:4317\/p+… \(119822 more characters\); sampler /,
    ],
  ])('a 120 KB %s is shown shortened', (_option, options, shown) => {
    const config = resolveConfig({ serviceName: 'svc', serviceVersion: '1', ...options }, base);
    const line = summaryLine(config);
    expect(line).toMatch(shown);
    expect(line).toMatch(
      /; sampler parentbased_always_on; propagators tracecontext,baggage,b3multi; \d+ instrumentations \(lazy\)$/,
    );
    expect(line.length).toBeLessThan(2000);
  });
});
