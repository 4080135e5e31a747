import { mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { context, propagation, trace } from '@opentelemetry/api';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SerializedContext } from '../../../src/context/index.js';
import {
  runWithSerializedContext,
  serializeContext,
  setBaggage,
  withSpan,
} from '../../../src/context/index.js';
import { deserializeContext } from '../../../src/context/worker.js';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { createPropagator } from '../../../src/propagation/index.js';
import type { TestTracing } from '../../../src/testing/index.js';
import { resetTracing, setupTestTracing } from '../../../src/testing/index.js';
import { spawnNode } from '../../support/child.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = join(root, 'test/fixtures/worker-context.mjs');
const noTracingFixture = join(root, 'test/fixtures/worker-no-tracing.mjs');
// Inside the repo so the bundle's bare imports (@opentelemetry/*) resolve from node_modules.
const outDir = join(root, 'node_modules/.cache/acme-otel-worker-test', String(process.pid));
let libUrl: string;

beforeAll(async () => {
  // The worker cannot load TypeScript: bundle the library's source as it will ship (ESM, deps external).
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'lib.mjs');
  await build({
    stdin: {
      contents: "export * from './src/context/index.ts';\nexport * from './src/testing/index.ts';",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'silent',
  });
  libUrl = pathToFileURL(outfile).href;
});
afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  try {
    rmdirSync(dirname(outDir)); // only if no other run is using it
  } catch {}
});

let tracing: TestTracing;
beforeEach(() => {
  resetTracing();
  tracing = setupTestTracing();
});
afterEach(() => tracing.shutdown());

interface WorkerSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  parentIsRemote?: boolean;
}

function runWorker(otel: unknown): Promise<{ spans: WorkerSpan[]; baggage?: string }> {
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(fixture, { workerData: { libUrl, otel } });
    worker.once('message', resolvePromise);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with ${code}`));
    });
  });
}

/**
 * Runs the worker that sets up no tracing, from a child process, whose stderr the thread's is
 * piped to. Resolves with the child's output.
 */
async function runUntracedWorker(otel: unknown): Promise<string> {
  const script = `
    import { Worker } from 'node:worker_threads';
    const worker = new Worker(${JSON.stringify(noTracingFixture)}, { workerData: ${JSON.stringify({ libUrl, otel })}, execArgv: [] });
    worker.on('message', (message) => console.log(JSON.stringify(message)));`;
  const child = spawnNode(['--input-type=module', '-e', script]);
  const { code } = await child.exited;
  expect(code, child.output()).toBe(0);
  return child.output();
}

describe('worker_threads', () => {
  it('serializeContext gives a plain, cloneable object', () => {
    const serialized = withSpan('parent', () =>
      context.with(setBaggage({ 'job.id': 'j-1' }), () => serializeContext()),
    );
    expect(Object.keys(serialized).sort()).toEqual(['baggage', 'traceparent']);
    expect(structuredClone(serialized)).toEqual(serialized);
    expect(JSON.parse(JSON.stringify(serialized))).toEqual(serialized);
    expect(serializeContext()).toEqual({});
    expect(deserializeContext(undefined)).toBe(deserializeContext(null));
  });

  it('a span in the worker joins the parent trace, with the parent span as parent, and sees baggage', async () => {
    const result = await withSpan('report.render', () =>
      context.with(setBaggage({ 'job.id': 'j-42' }), () => runWorker(serializeContext())),
    );
    const parent = tracing.expectSpan('report.render');
    expect(result.baggage).toBe('j-42');
    expect(result.spans).toEqual([
      expect.objectContaining({
        name: 'worker.task',
        traceId: parent.spanContext().traceId,
        parentSpanId: parent.spanContext().spanId,
        parentIsRemote: true,
      }),
    ]);
  });

  it('a worker without tracing set up runs the callback and says once why the trace is lost (docs/context.md)', async () => {
    const otel = withSpan('report.render', () => serializeContext());
    const output = await runUntracedWorker(otel);
    expect(output).toContain('{"results":["rendered 0","rendered 1"]}');
    const lines = output.split('\n').filter((line) => line.includes('runWithSerializedContext'));
    expect(lines).toEqual([
      '[@acme/otel] runWithSerializedContext: no context manager is registered in this thread, so the trace cannot be restored; call initTracing() in the worker first.',
    ]);
    // Nothing to restore, nothing lost: no warning.
    expect(await runUntracedWorker({})).not.toContain('runWithSerializedContext');
  });

  it("warnings in a worker thread go to the thread's process.stderr, which `stderr: true` captures", async () => {
    // Written to fd 2 directly, they passed the Worker's stderr stream: an app capturing it
    // (to prefix or ship a thread's output) never saw them.
    const otel = withSpan('parent', () => serializeContext());
    const worker = new Worker(noTracingFixture, { workerData: { libUrl, otel }, stderr: true });
    let captured = '';
    worker.stderr.on('data', (chunk) => {
      captured += String(chunk);
    });
    await new Promise((resolvePromise) => worker.once('exit', resolvePromise));
    expect(captured.split('\n').filter((line) => line.includes('runWithSerializedContext'))).toEqual([
      '[@acme/otel] runWithSerializedContext: no context manager is registered in this thread, so the trace cannot be restored; call initTracing() in the worker first.',
    ]);
  });

  it('serializes and restores W3C whatever propagators the process uses (docs/context.md)', () => {
    propagation.disable();
    expect(propagation.setGlobalPropagator(createPropagator(['b3']))).toBe(true);
    const serialized = withSpan('parent', () =>
      context.with(setBaggage({ 'job.id': 'j-7' }), () => serializeContext()),
    );
    const parent = tracing.expectSpan('parent').spanContext();
    expect(serialized).toEqual({
      traceparent: `00-${parent.traceId}-${parent.spanId}-01`,
      baggage: 'job.id=j-7',
    });
    const restored = deserializeContext(serialized);
    expect(trace.getSpanContext(restored)).toMatchObject({ traceId: parent.traceId, spanId: parent.spanId });
    expect(propagation.getBaggage(restored)?.getEntry('job.id')?.value).toBe('j-7');
  });

  it('a context sent as JSON text starts a new trace with a warning naming it', () => {
    // The trace was lost without a word: `serialize` reads like "to a string".
    const lines: string[] = [];
    setLogSink((_level, line) => lines.push(line));
    try {
      const text = JSON.stringify(withSpan('parent', () => serializeContext()));
      expect(
        runWithSerializedContext(text as unknown as SerializedContext, () => trace.getActiveSpan()),
      ).toBe(undefined);
      deserializeContext(42 as unknown as SerializedContext);
      expect(lines).toEqual([
        `[@acme/otel] deserializeContext: expected the object serializeContext() returns, got a string (${JSON.stringify(text.slice(0, 64))}); starting a new trace instead. Pass the object itself (JSON.parse it first if you sent it as text).`,
      ]);
    } finally {
      resetLogger();
    }
  });

  it('without a serialized context the worker starts its own trace', async () => {
    const result = await withSpan('report.render', () => runWorker(undefined));
    const [span] = result.spans;
    expect(span?.parentSpanId).toBeUndefined();
    expect(span?.traceId).not.toBe(tracing.expectSpan('report.render').spanContext().traceId);
  });
});
