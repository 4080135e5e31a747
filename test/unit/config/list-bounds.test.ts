// Every list option is bounded before it is walked. `initTracing({ propagators: new Array(2 ** 32 - 1) })`
// (a sparse array: no memory, but that length) hung init, visiting each of its 4 billion indexes;
// 10^7 `ignoreIncomingPaths` (or ACME_OTEL_IGNORE_PATHS entries) took ~20 s to index at start-up.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/resolve.js';
import { isTracingConfigError, type TracingConfigError } from '../../../src/errors.js';
import type { TracingOptions } from '../../../src/types.js';
import { counted } from '../../support/hostile.js';
import { base, captureWarnings } from './capture.js';

const warnings = captureWarnings();

// The bounds as README's Options table states them.
const MAX_LIST_ENTRIES = 1024;
const MAX_IGNORE_PATHS = 10_000;

function thrown(options: Record<string, unknown>, env: Record<string, string> = base): TracingConfigError {
  try {
    resolveConfig(options as TracingOptions, env);
  } catch (error) {
    expect(isTracingConfigError(error), String(error)).toBe(true);
    return error as TracingConfigError;
  }
  throw new Error('resolveConfig did not throw');
}

const huge = 2 ** 32 - 1;
const lists: [string, (list: unknown[]) => Record<string, unknown>, number][] = [
  ['propagators', (list) => ({ propagators: list }), MAX_LIST_ENTRIES],
  ['resourceDetectors', (list) => ({ resourceDetectors: list }), MAX_LIST_ENTRIES],
  ['exporter', (list) => ({ exporter: list }), MAX_LIST_ENTRIES],
  ['spanProcessors', (list) => ({ spanProcessors: list }), MAX_LIST_ENTRIES],
  ['instrumentations', (list) => ({ instrumentations: list }), MAX_LIST_ENTRIES],
  ['ignoreIncomingPaths', (list) => ({ ignoreIncomingPaths: list }), MAX_IGNORE_PATHS],
  ['redaction.keys', (list) => ({ redaction: { keys: list } }), MAX_LIST_ENTRIES],
  ['redaction.patterns', (list) => ({ redaction: { patterns: list } }), MAX_LIST_ENTRIES],
  ['redaction.queryParams', (list) => ({ redaction: { queryParams: list } }), MAX_LIST_ENTRIES],
  ['resourceAttributes.zones', (list) => ({ resourceAttributes: { zones: list } }), MAX_LIST_ENTRIES],
];

describe('a list option longer than its bound: a TracingConfigError naming it, its length and the bound', () => {
  it.each(lists)(
    '%s = new Array(2 ** 32 - 1), read no further than the entries quoted',
    (option, wrap, max) => {
      const { list, reads } = counted(new Array(huge));
      const error = thrown(wrap(list));
      expect(error.option).toBe(option);
      expect(error.message).toContain(`invalid option ${option}=[`);
      expect(error.message).toMatch(new RegExp(`: expected at most ${max} entries; it has ${huge}$`));
      // The message quotes the first entries only.
      expect(reads()).toBeLessThanOrEqual(20);
    },
  );

  it.each(lists)('%s one past the bound is refused, at the bound taken', (option, wrap, max) => {
    const entry = (i: number) =>
      option === 'spanProcessors'
        ? { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} }
        : option === 'exporter'
          ? 'none'
          : option === 'propagators'
            ? 'tracecontext'
            : option === 'resourceDetectors'
              ? 'env'
              : option === 'instrumentations'
                ? 'http'
                : option === 'redaction.patterns'
                  ? /x/
                  : `/p${i}`;
    const over = Array.from({ length: max + 1 }, (_, i) => entry(i));
    expect(thrown(wrap(over)).message).toMatch(
      new RegExp(`expected at most ${max} entries; it has ${max + 1}$`),
    );
    expect(() => resolveConfig(wrap(over.slice(0, max)) as TracingOptions, base)).not.toThrow();
  });

  it('a revoked Proxy as a list, or one whose trap throws: named, not a TypeError out of init', () => {
    const { proxy, revoke } = Proxy.revocable([], {});
    revoke();
    const revoked = thrown({ propagators: proxy });
    expect(revoked.option).toBe('propagators');
    expect(revoked.message).toMatch(/propagators=\(unreadable\): it could not be read as a list \(.+\)$/);
    const trap = new Proxy(['tracecontext'], {
      get(target, key, receiver) {
        if (key === '0') throw new Error('entry boom');
        return Reflect.get(target, key, receiver);
      },
    });
    const error = thrown({ propagators: trap });
    expect(error.option).toBe('propagators[0]');
    expect(error.message).toMatch(/propagators\[0\]=\(unreadable\): reading it threw \(entry boom\)$/);
  });
});

describe('ACME_OTEL_IGNORE_PATHS longer than the bound', () => {
  it('warns once (variable, count, bound) and uses the first entries', () => {
    const value = Array.from({ length: 1_000_000 }, (_, i) => `/p${i}`).join(',');
    const config = resolveConfig({}, { ...base, ACME_OTEL_IGNORE_PATHS: value });
    expect(config.ignoreIncomingPaths).toHaveLength(MAX_IGNORE_PATHS);
    expect(config.ignoreIncomingPaths.at(-1)).toBe(`/p${MAX_IGNORE_PATHS - 1}`);
    const lines = warnings.filter((w) => w.includes('ACME_OTEL_IGNORE_PATHS='));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `it lists more than ${MAX_IGNORE_PATHS} paths \\(1000000\\), using the first ${MAX_IGNORE_PATHS}\\.$`,
      ),
    );
  });

  it('at the bound: taken whole, no warning', () => {
    const value = Array.from({ length: MAX_IGNORE_PATHS }, (_, i) => `/p${i}`).join(', ');
    expect(resolveConfig({}, { ...base, ACME_OTEL_IGNORE_PATHS: value }).ignoreIncomingPaths).toHaveLength(
      MAX_IGNORE_PATHS,
    );
    expect(warnings).toEqual([]);
  });
});
