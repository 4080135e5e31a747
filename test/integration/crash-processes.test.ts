// Issue 19: SIGTERM while spans are being produced in cluster workers or worker threads: every
// span the app ended arrives (unique span ids the app wrote down vs span ids received).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';
import { exitStatus, runNode } from '../support/run-pair.js';

let rx: OtlpReceiver;
beforeAll(async () => {
  rx = await startReceiver({ port: 0 });
});
afterAll(() => rx.stop());

function endedIds(dir: string): Map<string, Set<string>> {
  const byProducer = new Map<string, Set<string>>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ids'))) {
    const ids = readFileSync(path.join(dir, file), 'utf8').split('\n').filter(Boolean);
    byProducer.set(file, new Set(ids));
  }
  return byProducer;
}

async function run(script: string, env: Record<string, string>, signal = true) {
  rx.clear();
  const dir = mkdtempSync(path.join(tmpdir(), 'acme-otel-exit-'));
  try {
    const result = await runNode(script, true, {
      ...(signal ? { signal: 'SIGTERM' as const } : {}),
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint, OTEL_SERVICE_NAME: 'producer', OUT_DIR: dir, ...env },
    });
    const exitCodes = readdirSync(dir)
      .filter((f) => f.endsWith('.exit'))
      .map((f) => readFileSync(path.join(dir, f), 'utf8'));
    return { result, ended: endedIds(dir), received: new Set(rx.spans().map((s) => s.spanId)), exitCodes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Nothing lost at exit, but a span a thread had started and not ended when the process stopped it
 * (it may be stopped inside `withSpan`): counted as such, once.
 */
function expectNoLossButOpenInThreads(stderr: string) {
  const lines = stderr.split('\n').filter((line) => line.includes('lost at exit'));
  for (const line of lines)
    expect(line).toMatch(
      /^\[@acme\/otel\] \d+ spans? (?:was|were) lost at exit: \d+ were still open in worker threads, which Node stops at exit without their 'exit' event, so nothing ended them$/,
    );
}

function expectAllArrived(ended: Map<string, Set<string>>, received: Set<string>, producers: number) {
  expect(ended.size).toBe(producers);
  for (const [producer, ids] of ended) {
    expect(ids.size, producer).toBeGreaterThan(50);
    const missing = [...ids].filter((id) => !received.has(id));
    expect(missing, `${producer}: ${missing.length} of ${ids.size} ended spans missing`).toEqual([]);
  }
}

describe('SIGTERM while spans are being produced', () => {
  it('cluster: SIGTERM to the primary only; every span each worker ended arrives', async () => {
    const { result, ended, received, exitCodes } = await run('test/fixtures/cluster-app.cjs', {
      WORKERS: '2',
    });
    expect(exitStatus(result)).toBe(143);
    expect(exitCodes).toEqual(['0', '0']);
    expect(result.stderr).not.toContain('lost at exit');
    expectAllArrived(ended, received, 2);
  });

  it('worker threads: every span a thread ended before the process exited arrives', async () => {
    const { result, ended, received } = await run('test/fixtures/threads-app.cjs', {
      THREADS: '3',
      ACME_OTEL_WORKER_THREADS: 'true',
    });
    expect(exitStatus(result)).toBe(143);
    expectNoLossButOpenInThreads(result.stderr);
    expectAllArrived(ended, received, 3);
  });

  it('worker threads: process.exit() after the main thread was blocked: what the threads ended meanwhile arrives', async () => {
    const { result, ended, received } = await run(
      'test/fixtures/threads-app.cjs',
      { THREADS: '2', ACME_OTEL_WORKER_THREADS: 'true', BLOCK_THEN_EXIT_MS: '300' },
      false,
    );
    expect(exitStatus(result)).toBe(3);
    expectNoLossButOpenInThreads(result.stderr);
    expectAllArrived(ended, received, 2);
  });

  it('a worker thread traced in an untraced process exports its spans itself (no main thread answered)', async () => {
    rx.clear();
    const result = await runNode('test/fixtures/thread-alone.cjs', false, {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint },
    });
    expect(result.code).toBe(0);
    const names = new Set(rx.spans().map((s) => s.name));
    expect(names.size).toBe(25);
    expect(JSON.parse(/^STATS (.*)$/m.exec(result.stdout)![1]!)).toMatchObject({ exported: 25, dropped: 0 });
  });

  it('… and counts and reports, with their cause, the spans past maxQueueSize it could not keep during the probe', async () => {
    rx.clear();
    const result = await runNode('test/fixtures/thread-alone.cjs', false, {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
        OTEL_BSP_MAX_QUEUE_SIZE: '8',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '8',
      },
    });
    expect(result.code).toBe(0);
    // The 8 kept of the first 20, and the 5 ended after the probe.
    expect(rx.spans()).toHaveLength(13);
    expect(JSON.parse(/^STATS (.*)$/m.exec(result.stdout)![1]!)).toMatchObject({ exported: 13, dropped: 12 });
    const lines = result.stderr.split('\n').filter((line) => line.includes('dropped'));
    expect(lines.join('\n')).toMatch(
      /dropped 12 spans?.*more than 8 spans \(maxQueueSize\) ended in this worker thread while it waited 2 s for a traced main thread/,
    );
  });
});
