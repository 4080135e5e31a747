// Issue 20, items 2 and 3: the export request size limit and the default attribute value length
// limit, as options, environment variables and defaults.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeConfig } from '../../../src/config/describe.js';
import { DEFAULT_MAX_EXPORT_REQUEST_BYTES, resolveConfig } from '../../../src/config/resolve.js';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { TracingConfigError } from '../../../src/errors.js';
import type { TracingOptions } from '../../../src/types.js';

let warnings: string[] = [];
beforeEach(() => {
  resetLogger();
  warnings = [];
  setLogSink((level, line) => {
    if (level === 'warn') warnings.push(line);
  });
});
afterEach(() => resetLogger());

const base = { OTEL_NODE_RESOURCE_DETECTORS: 'none' };
const resolve = (options: TracingOptions, env: Record<string, string> = {}) =>
  resolveConfig(options, { ...base, ...env });

describe('maxExportRequestBytes', () => {
  it('defaults to the Collector 4 MiB gRPC limit less a 64 KiB margin', () => {
    expect(DEFAULT_MAX_EXPORT_REQUEST_BYTES).toBe(4 * 1024 * 1024 - 64 * 1024);
    expect(resolve({}).maxExportRequestBytes).toBe(4_128_768);
    expect(describeConfig(resolve({})).maxExportRequestBytes).toBe(4_128_768);
    expect(warnings).toEqual([]);
  });

  it('is read from ACME_OTEL_MAX_EXPORT_REQUEST_BYTES; the code option wins', () => {
    expect(resolve({}, { ACME_OTEL_MAX_EXPORT_REQUEST_BYTES: '1048576' }).maxExportRequestBytes).toBe(
      1_048_576,
    );
    expect(
      resolve({ maxExportRequestBytes: 65_536 }, { ACME_OTEL_MAX_EXPORT_REQUEST_BYTES: '1048576' })
        .maxExportRequestBytes,
    ).toBe(65_536);
    expect(warnings).toEqual([]);
  });

  for (const value of ['lots', '100', '4194304.5', '-1']) {
    it(`a bad env value (${value}) warns once, naming variable, value and fallback`, () => {
      const env = { ACME_OTEL_MAX_EXPORT_REQUEST_BYTES: value };
      expect(resolve({}, env).maxExportRequestBytes).toBe(DEFAULT_MAX_EXPORT_REQUEST_BYTES);
      resolve({}, env);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^\[@acme\/otel\] ACME_OTEL_MAX_EXPORT_REQUEST_BYTES=/);
      expect(warnings[0]).toContain(JSON.stringify(value));
      expect(warnings[0]).toMatch(/defaulting to 4128768\.$/);
    });
  }

  for (const value of [0, 1000, 16_383, 1.5e6 + 0.5, '4MB', Number.NaN]) {
    it(`a bad code option (${String(value)}) throws TracingConfigError naming it`, () => {
      let caught: unknown;
      try {
        resolve({ maxExportRequestBytes: value as number });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TracingConfigError);
      expect((caught as TracingConfigError).option).toBe('maxExportRequestBytes');
      expect((caught as Error).message).toMatch(
        /invalid option maxExportRequestBytes=.*expected a whole number in \[16384, ∞\]/,
      );
    });
  }
});

describe('attribute value length limit', () => {
  it('defaults to 16 KiB (the specification says unlimited)', () => {
    expect(resolve({}).spanLimits.attributeValueLengthLimit).toBe(16_384);
  });

  it('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT wins over OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT; code wins over both', () => {
    const env = { OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '100', OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '200' };
    expect(resolve({}, env).spanLimits.attributeValueLengthLimit).toBe(100);
    expect(
      resolve({}, { OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '200' }).spanLimits.attributeValueLengthLimit,
    ).toBe(200);
    expect(
      resolve({ spanLimits: { attributeValueLengthLimit: 50 } }, env).spanLimits.attributeValueLengthLimit,
    ).toBe(50);
    expect(
      resolve({ spanLimits: { attributeValueLengthLimit: Number.POSITIVE_INFINITY } }).spanLimits
        .attributeValueLengthLimit,
    ).toBe(Number.POSITIVE_INFINITY);
    expect(warnings).toEqual([]);
  });

  it('0 in the environment warns and keeps the default (the SDK would ignore it and warn per attribute)', () => {
    expect(resolve({}, { OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '0' }).spanLimits.attributeValueLengthLimit).toBe(
      16_384,
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT="0" was given, but it is out of range \(\[1\.\.∞\]\), defaulting to 16384\./,
    );
  });

  it('0 in code throws', () => {
    expect(() => resolve({ spanLimits: { attributeValueLengthLimit: 0 } })).toThrow(
      /spanLimits\.attributeValueLengthLimit=0: expected a whole number in \[1, ∞\]/,
    );
  });
});

describe('span value count limit', () => {
  it('defaults to 1,024, is read from ACME_OTEL_SPAN_VALUE_COUNT_LIMIT, and the code option wins', () => {
    expect(resolve({}).spanLimits.valueCountLimit).toBe(1024);
    expect(describeConfig(resolve({})).spanLimits).toMatchObject({ valueCountLimit: 1024 });
    const env = { ACME_OTEL_SPAN_VALUE_COUNT_LIMIT: '100' };
    expect(resolve({}, env).spanLimits.valueCountLimit).toBe(100);
    expect(resolve({ spanLimits: { valueCountLimit: 50 } }, env).spanLimits.valueCountLimit).toBe(50);
    expect(
      resolve({ spanLimits: { valueCountLimit: Number.POSITIVE_INFINITY } }).spanLimits.valueCountLimit,
    ).toBe(Number.POSITIVE_INFINITY);
    expect(warnings).toEqual([]);
  });

  it('a bad env value warns once, naming variable, value and fallback', () => {
    expect(resolve({}, { ACME_OTEL_SPAN_VALUE_COUNT_LIMIT: '0' }).spanLimits.valueCountLimit).toBe(1024);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /ACME_OTEL_SPAN_VALUE_COUNT_LIMIT="0" was given, but it is out of range \(\[1\.\.∞\]\), defaulting to 1024\./,
    );
  });

  it('a bad code option throws, naming it', () => {
    expect(() => resolve({ spanLimits: { valueCountLimit: 2.5 } })).toThrow(
      /spanLimits\.valueCountLimit=2\.5: expected a whole number in \[1, ∞\]/,
    );
  });
});
