import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { fitResource, resourceEnvelopeBytes, resourceLimitBytes } from '../../../src/export/index.js';

const MAX = 4_128_768;

describe('fitResource: a resource goes with every export request, so it must leave room for spans', () => {
  it('leaves a resource that fits alone', () => {
    const resource = resourceFromAttributes({ 'service.name': 'svc', big: 'x'.repeat(40_000) });
    expect(fitResource(resource, MAX)).toBeUndefined();
  });

  it('cuts the longest values first, marks them, names them, and keeps the schema URL', () => {
    const resource = resourceFromAttributes(
      { 'service.name': 'svc', blob: 'b'.repeat(5_000_000), other: 'o'.repeat(30_000), short: 'kept' },
      { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' },
    );
    const fit = fitResource(resource, MAX)!;
    expect(fit.limitBytes).toBe(resourceLimitBytes(MAX));
    expect(fit.encodedBytes).toBe(resourceEnvelopeBytes(resource));
    expect(resourceEnvelopeBytes(fit.resource)).toBeLessThanOrEqual(fit.limitBytes);
    const a = fit.resource.attributes;
    expect(a.blob).toMatch(/^b+…\[truncated, 5000000 bytes\]$/);
    expect(a.other).toMatch(/^o+…\[truncated, 30000 bytes\]$/);
    expect((a.blob as string).length).toBe((a.other as string).length + 2);
    expect(a.short).toBe('kept');
    expect(a['service.name']).toBe('svc');
    expect(a['acme.otel.truncated']).toEqual(['blob', 'other']);
    expect(fit.cut).toEqual(['blob', 'other']);
    expect(fit.dropped).toEqual([]);
    expect(fit.resource.schemaUrl).toBe('https://opentelemetry.io/schemas/1.30.0');
  });

  it('cuts strings inside arrays (a command line) by element', () => {
    const args = ['node', 'app.js', `--config=${'c'.repeat(200_000)}`];
    const fit = fitResource(resourceFromAttributes({ 'process.command_args': args }), MAX)!;
    const cut = fit.resource.attributes['process.command_args'] as string[];
    expect(cut.slice(0, 2)).toEqual(['node', 'app.js']);
    expect(cut[2]).toMatch(/^--config=c+…\[truncated, 200009 bytes\]$/);
    expect(fit.cut).toEqual(['process.command_args[2]']);
    expect(args[2]).toHaveLength(200_009);
  });

  it('keeps only the service and SDK keys when thousands of small ones could not be cut enough', () => {
    const attributes: Record<string, string> = {
      'service.name': 'svc',
      'telemetry.sdk.language': 'nodejs',
      'deployment.environment.name': 'prod',
    };
    for (let i = 0; i < 20_000; i++) attributes[`k${i}`] = 'v';
    const fit = fitResource(resourceFromAttributes(attributes), MAX)!;
    expect(fit.resource.attributes).toEqual({
      'service.name': 'svc',
      'telemetry.sdk.language': 'nodejs',
      'deployment.environment.name': 'prod',
    });
    expect(fit.dropped).toHaveLength(20_000);
    expect(fit.dropped[0]).toBe('k0');
    expect(resourceEnvelopeBytes(fit.resource)).toBeLessThanOrEqual(fit.limitBytes);
  });

  it('cuts a huge service name too when only the kept keys remain', () => {
    const attributes: Record<string, string> = { 'service.name': 's'.repeat(1_000_000) };
    for (let i = 0; i < 20_000; i++) attributes[`k${i}`] = 'v';
    const fit = fitResource(resourceFromAttributes(attributes), MAX)!;
    expect(fit.resource.attributes['service.name']).toMatch(/^s+…\[truncated, 1000000 bytes\]$/);
    expect(fit.cut).toEqual(['service.name']);
    expect(resourceEnvelopeBytes(fit.resource)).toBeLessThanOrEqual(fit.limitBytes);
  });

  it('scales with the request limit: a quarter of it at most, 64 KiB at most, three quarters of that for the resource', () => {
    expect(resourceLimitBytes(MAX)).toBe(49_152);
    expect(resourceLimitBytes(16 * 1024)).toBe(3072);
    const fit = fitResource(resourceFromAttributes({ blob: 'x'.repeat(10_000) }), 16 * 1024)!;
    expect(resourceEnvelopeBytes(fit.resource)).toBeLessThanOrEqual(3072);
  });
});
