// `@acme/otel/esbuild` in-process: which packages stay out of a bundle, the options that change
// that, and the errors for bad options. The bundles themselves run in test/integration/bundlers.test.ts.
import { builtinModules } from 'node:module';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import type { Configuration } from 'webpack';
import {
  externalModules,
  instrumentedModules,
  otelPlugin,
  webpackExternals,
} from '../../../src/bundler/index.js';
import { isTracingConfigError } from '../../../src/index.js';
import { CATALOGUE } from '../../../src/instrumentations/catalogue.js';
import { repoRoot } from '../../support/child.js';

/** Bundles `source` in memory; returns the output and what the plugin printed. */
async function bundle(source: string, plugin: ReturnType<typeof otelPlugin>): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: repoRoot, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
    plugins: [plugin],
  });
  return result.outputFiles[0]?.text ?? '';
}

describe('instrumentedModules', () => {
  it('lists every npm package a catalogue instrumentation patches, and no built-in', () => {
    const expected = new Set<string>();
    for (const entry of CATALOGUE.values())
      if (entry.trigger.kind === 'module')
        for (const m of entry.trigger.modules) if (!builtinModules.includes(m)) expected.add(m);
    expect(new Set(instrumentedModules)).toEqual(expected);
    expect(instrumentedModules).toEqual(expect.arrayContaining(['express', 'pg', 'pg-pool', '@smithy/core']));
    for (const builtin of ['http', 'https', 'fs', 'net', 'dns'])
      expect(instrumentedModules).not.toContain(builtin);
  });
});

describe('externalModules', () => {
  it('is ours, the API and the instrumented packages, plus `external`, less `bundle`', () => {
    expect(externalModules().slice(0, 2)).toEqual(['@acme/otel', '@opentelemetry/api']);
    const list = externalModules({ external: ['sharp'], bundle: ['winston', 'pino'] });
    expect(list).toContain('sharp');
    expect(list).toContain('express');
    expect(list).not.toContain('winston');
    expect(list).not.toContain('pino');
  });

  it.each([
    [{ external: 'pg' }, 'external'],
    [{ bundle: ['pg', 3] }, 'bundle[1]'],
    [{ external: ['pg/lib/client'] }, 'external[0]'],
    [{ externals: ['pg'] }, 'externals'],
  ])('%j throws TracingConfigError naming %s', (options, option) => {
    let error: unknown;
    try {
      externalModules(options as never);
    } catch (e) {
      error = e;
    }
    expect(isTracingConfigError(error)).toBe(true);
    expect((error as { option: string }).option).toBe(option);
    expect((error as Error).message).toMatch(/^\[@acme\/otel\] invalid option /);
  });
});

describe('otelPlugin', () => {
  it('keeps instrumented packages, their subpaths and ours external; bundles the rest', async () => {
    const out = await bundle(
      "require('express'); require('pg/lib/client'); require('@acme/otel'); require('node:http'); require('ms');",
      otelPlugin({ log: false }),
    );
    for (const id of ['express', 'pg/lib/client', '@acme/otel', 'node:http'])
      expect(out).toContain(`require("${id}")`);
    // `ms` (not instrumented) is inside the bundle.
    expect(out).not.toContain('require("ms")');
    expect(out).toContain('node_modules/ms/index.js');
  });

  it('`external` adds packages, `bundle` takes them out of the list', async () => {
    const out = await bundle(
      "require('ms'); require('winston/package.json');",
      otelPlugin({ log: false, external: ['ms'], bundle: ['winston'] }),
    );
    expect(out).toContain('require("ms")');
    expect(out).not.toContain('require("winston/package.json")');
  });

  it('rejects unknown options and bad types with TracingConfigError', () => {
    expect(() => otelPlugin({ manifets: 'x' } as never)).toThrow(
      /invalid option manifets="x": unknown option/,
    );
    expect(() => otelPlugin({ external: ['Bad Name'] })).toThrow(/invalid option external\[0\]="Bad Name"/);
    expect(() => otelPlugin({ manifest: 42 as never })).toThrow(
      /invalid option manifest=42: expected a file path/,
    );
    expect(() => otelPlugin({ log: 'no' as never })).toThrow(
      /invalid option log="no": expected true or false/,
    );
  });
});

describe('webpackExternals', () => {
  const ask = (fn: ReturnType<typeof webpackExternals>, request: string) =>
    new Promise<string | undefined>((resolve) => fn({ request }, (_error, result) => resolve(result)));

  it('answers `commonjs <request>` for kept packages and their subpaths, nothing for the rest', async () => {
    const fn = webpackExternals();
    expect(await ask(fn, 'express')).toBe('commonjs express');
    expect(await ask(fn, 'pg/lib/client')).toBe('commonjs pg/lib/client');
    expect(await ask(fn, '@acme/otel')).toBe('commonjs @acme/otel');
    expect(await ask(fn, 'ms')).toBeUndefined();
    expect(await ask(fn, './express')).toBeUndefined();
    expect(await ask(webpackExternals({ type: 'module' }), 'express')).toBe('module express');
  });

  it("fits webpack's `externals` type", () => {
    // Compiles only if webpackExternals() is assignable to webpack's ExternalItem.
    const config: Configuration = { target: 'node', externals: [webpackExternals()] };
    expect(config.externals).toHaveLength(1);
  });

  it('rejects a bad type', () => {
    expect(() => webpackExternals({ type: 'amd' as never })).toThrow(/invalid option type="amd"/);
  });
});
