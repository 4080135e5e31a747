// Issue 21: modules loaded before tracing starts produced zero spans and no warning (upstream's
// "Module express has been loaded before…" never came: the lazy loader never built that
// instrumentation), while the start-up line still counted them. Real processes, real receiver.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/instrumentations/catalogue.js';
import { spawnNode } from '../support/child.js';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';

let rx: OtlpReceiver;
beforeAll(async () => {
  rx = await startReceiver({ port: 0 });
});
afterEach(() => rx.clear());
afterAll(() => rx.stop());

const ALL = [...CATALOGUE.values()].filter((e) => e.defaultOn).length;
const CJS_APP = 'test/fixtures/early-load-app.cjs';
const ESM_APP = 'test/fixtures/early-load-app.mjs';

async function run(args: string[], env: Record<string, string> = {}) {
  const child = spawnNode(args, {
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
    OTEL_SERVICE_NAME: 'early-load-app',
    ...env,
  });
  const { code } = await child.exited;
  const output = child.output();
  expect(code, output).toBe(0);
  const lines = output.split('\n').filter((l) => l.startsWith('[@acme/otel]'));
  const names = rx.spans().map((s) => s.name);
  const serverSpans = rx.spans().filter((s) => s.kind === 'SERVER');
  return {
    output,
    lines,
    names,
    serverSpans,
    summary: lines.find((l) => l.includes(' instrumentations (lazy')) ?? '',
  };
}

const warningsOf = (lines: string[]) =>
  lines.filter((l) => /loaded before tracing started|no ESM loader hook/.test(l));

describe('modules loaded before tracing could patch them', () => {
  it('CommonJS: express required before initTracing() is named once, with the fix, and not counted', async () => {
    const { lines, names, summary, serverSpans } = await run([CJS_APP], { EARLY: '1' });
    expect(warningsOf(lines)).toEqual([
      '[@acme/otel] express was loaded before tracing started, so it is not traced: start the app with ' +
        '`node --require @acme/otel/register early-load-app.cjs`, or call initTracing() before requiring express',
    ]);
    expect(summary).toMatch(
      new RegExp(`; ${ALL - 1} instrumentations \\(lazy; express inactive: loaded too late\\)`),
    );
    // The warning is true: no express span, no route.
    expect(names.some((n) => n.startsWith('request handler') || n.includes('/orders/:id'))).toBe(false);
    // http, which express loaded before tracing, is patched in place at init: the server span is
    // there (it was missing too: nothing required http again to trigger the lazy loader).
    expect(serverSpans.map((span) => span.name)).toEqual(['GET']);
  });

  it('CommonJS: initTracing() first gives no warning, counts every instrumentation, and traces express', async () => {
    const { lines, names, summary } = await run([CJS_APP]);
    expect(warningsOf(lines)).toEqual([]);
    expect(summary).toMatch(new RegExp(`; ${ALL} instrumentations \\(lazy\\)`));
    expect(names).toContain('GET /orders/:id');
  });

  it('ES module calling initTracing() inline: express (imported first) is named and --import is the fix', async () => {
    const { lines, names, summary } = await run([ESM_APP], { INLINE: '1' });
    expect(warningsOf(lines)).toEqual([
      '[@acme/otel] express was loaded before tracing started, so it is not traced; early-load-app.mjs is an ES ' +
        'module and no ESM loader hook is installed, so the modules it imports are not instrumented: start the ' +
        'app with `node --import @acme/otel/register early-load-app.mjs`',
    ]);
    expect(summary).toMatch(
      new RegExp(`; ${ALL - 1} instrumentations \\(lazy; express inactive: loaded too late\\)`),
    );
    expect(names).not.toContain('GET /orders/:id');
  });

  it('--require on an .mjs app says --require cannot see its imports', async () => {
    const { lines, names } = await run(['--require', './dist/register.cjs', ESM_APP]);
    expect(warningsOf(lines)).toEqual([
      '[@acme/otel] early-load-app.mjs is an ES module and no ESM loader hook is installed, so the modules it ' +
        'imports are not instrumented: start the app with `node --import @acme/otel/register early-load-app.mjs`',
    ]);
    expect(names).not.toContain('GET /orders/:id');
  });

  it('--require and --import together: no warning (the --import one adds the hook after init)', async () => {
    const { lines, names } = await run([
      '--require',
      './dist/register.cjs',
      '--import',
      './dist/register-esm.js',
      ESM_APP,
    ]);
    expect(warningsOf(lines)).toEqual([]);
    expect(names).toContain('GET /orders/:id');
  });

  it('--import on the same app: no warning, and express is traced', async () => {
    const { lines, names, summary } = await run(['--import', './dist/register-esm.js', ESM_APP]);
    expect(warningsOf(lines)).toEqual([]);
    expect(summary).toMatch(new RegExp(`; ${ALL} instrumentations \\(lazy\\)`));
    expect(names).toContain('GET /orders/:id');
  });
});
