// Issue #20 item 6: the lazily loaded exporter (upstream's exporter packages, ~160 modules, and
// node:http2) blocked the event loop for 50–230 ms inside the first export, in live traffic.
// Now the default OTLP/gRPC path needs no package at export time and its built-ins load in small
// idle steps soon after start-up. Measured in a child process: the modules loaded during the first
// export (none), and the longest turn it blocked, counted in the CPU this process used during it
// (a wall-clock gap alone is mostly other processes on a busy machine; the bound is generous).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnNode } from '../support/child.js';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';

let rx: OtlpReceiver;
beforeAll(async () => {
  rx = await startReceiver({ port: 0 });
});
afterAll(() => rx.stop());

interface Result {
  exported: number;
  maxGapMs: number;
  maxCpuMs: number;
  loaded: string[];
  builtins: string[];
}

async function firstExport(env: Record<string, string> = {}): Promise<Result> {
  const child = spawnNode(['test/fixtures/first-export-app.cjs'], {
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
    ...env,
  });
  await child.waitForOutput(/^RESULT /m, 20_000);
  await child.exited;
  return JSON.parse(/^RESULT (.*)$/m.exec(child.output())![1]!) as Result;
}

describe('the first export', () => {
  it('loads no module and blocks the loop far less than the 50–230 ms it used to', async () => {
    const runs = [await firstExport(), await firstExport()];
    for (const r of runs) {
      expect(r.exported).toBe(50);
      expect(r.loaded).toEqual([]);
      expect(r.builtins).toEqual([]);
    }
    // The best of two runs: its CPU-backed longest turn. Target 5 ms; measured 4.9–5.4 ms on a loaded
    // 2-core machine (mostly first-call JIT); the old path used 100+ ms of CPU in one turn.
    expect(Math.min(...runs.map((r) => r.maxCpuMs))).toBeLessThan(25);
  }, 60_000);

  it('still works when it comes before the idle-time loading has finished', async () => {
    const r = await firstExport({ IDLE_MS: '0' });
    expect(r.exported).toBe(50);
  }, 30_000);
});
