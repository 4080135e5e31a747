// `bench/ab.mjs --anatomy`: the latency probe in a real bench server, and the model that turns its
// records into "what set wrk's p99". The bench is not part of `npm test`, but its README figures
// rest on this tool, so a Node change that silenced a diagnostics channel (no requests recorded)
// or a model that stopped reproducing wrk's correction must fail here, not mislead a maintainer.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/support/child.js';
import { type OtlpReceiver, startReceiver } from '../../test/support/otlp-receiver.mjs';
// @ts-expect-error plain ESM bench module without types
import { latencyAnatomy } from '../lib/anatomy.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function probeFile(data: { starts: number[]; ends: number[]; gcs: number[][]; calls: number[][] }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'acme-anatomy-test-'));
  dirs.push(dir);
  const file = path.join(dir, 'probe.json');
  writeFileSync(file, JSON.stringify(data));
  return file;
}

/** `n` requests of 0.02 ms each, 0.03 ms apart, with the gaps before `stalls` indexes lengthened. */
function timeline(n: number, stalls: Map<number, number>) {
  const starts: number[] = [];
  const ends: number[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += stalls.get(i) ?? 0.03;
    starts.push(t);
    t += 0.02;
    ends.push(t);
  }
  return { starts, ends };
}

describe('latency anatomy model', () => {
  it("reproduces wrk's coordinated-omission correction: one 10 ms stall sets the p99 of 1,000 requests", () => {
    // Interval ≈ 0.06 ms, so the stall adds ~167 samples spread over 0.06–10 ms; 1% of ~1,170
    // samples lies above ~9.4 ms. Without the correction the p99 would be 0.05 ms.
    const { starts, ends } = timeline(1000, new Map([[500, 10]]));
    const a = latencyAnatomy(probeFile({ starts, ends, gcs: [], calls: [] }));
    expect(a.p99Ms).toBeGreaterThan(9);
    expect(a.p99Ms).toBeLessThan(10.1);
    expect(a.stalls.other).toEqual({ count: 1, ms: 10 });
    // Taking the unexplained stall out leaves the requests' own latency.
    expect(a.without.other).toBeCloseTo(0.05, 5);
    expect(a.without.gc).toBe(a.p99Ms);
  });

  it('attributes each stall to the GC or the export work that overlapped it, else to other', () => {
    const stalls = new Map<number, number>();
    for (let i = 1; i <= 20; i++) stalls.set(i * 400, 2); // GC
    for (let i = 1; i <= 10; i++) stalls.set(i * 400 + 200, 1); // export
    stalls.set(9_000, 3); // nothing in the server
    const { starts, ends } = timeline(10_000, stalls);
    const during = (i: number, ms: number) => [ends[i - 1]! + 0.1, ms];
    const gcs = [...Array(20)].map((_, k) => [...during((k + 1) * 400, 1.5), 1]);
    const calls = [...Array(10)].map((_, k) => during((k + 1) * 400 + 200, 0.8));
    // A GC that overlaps no gap (inside a request) is counted, but explains nothing.
    gcs.push([starts[50]!, 0.01, 1]);
    const a = latencyAnatomy(probeFile({ starts, ends, gcs, calls }));
    expect(a.requests).toBe(10_000);
    expect(a.stalls.gc).toEqual({ count: 20, ms: expect.closeTo(40, 6) });
    expect(a.stalls.export).toEqual({ count: 10, ms: expect.closeTo(10, 6) });
    expect(a.stalls.other).toEqual({ count: 1, ms: expect.closeTo(3, 6) });
    expect(a.gc.count).toBe(21);
    // The GC stalls are most of the stall time: without them the p99 falls the most.
    expect(a.without.gc).toBeLessThan(a.without.export);
    expect(a.without.gc).toBeLessThan(a.without.other);
    expect(a.without.gc).toBeLessThan(a.p99Ms);
  });

  it('keeps the gaps too short to be stalls as they are', () => {
    // 3% of the requests waited 0.28 ms (under the 0.3 ms stall threshold): they alone set the p99.
    const slow = new Map<number, number>();
    for (let i = 1; i <= 300; i++) slow.set(i * 33, 0.28);
    const { starts, ends } = timeline(10_000, slow);
    const a = latencyAnatomy(probeFile({ starts, ends, gcs: [], calls: [] }));
    expect(a.stalls.other.count).toBe(0);
    expect(a.p99Ms).toBeCloseTo(0.3, 5);
    expect(a.without.other).toBe(a.p99Ms);
  });

  it('refuses a window too short to say anything (fewer than 100 requests)', () => {
    const { starts, ends } = timeline(50, new Map());
    expect(latencyAnatomy(probeFile({ starts, ends, gcs: [], calls: [] }))).toBeNull();
  });
});

describe('latency probe in the bench server', () => {
  let receiver: OtlpReceiver | undefined;
  afterEach(async () => {
    await receiver?.stop();
    receiver = undefined;
  });

  it('records every request of the window and the export calls of a traced server', async () => {
    receiver = await startReceiver();
    const dir = mkdtempSync(path.join(tmpdir(), 'acme-anatomy-probe-'));
    dirs.push(dir);
    const out = path.join(dir, 'probe.json');
    const child = spawn(
      process.execPath,
      ['--require', './bench/fixtures/latency-probe.cjs', 'bench/fixtures/server.cjs'],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        env: {
          PATH: process.env.PATH,
          BENCH_ACME_INDEX: path.join(repoRoot, 'dist/index.js'),
          BENCH_PROBE_OUT: out,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
          OTEL_NODE_RESOURCE_DETECTORS: 'none',
          OTEL_BSP_SCHEDULE_DELAY: '20',
          OTEL_LOG_LEVEL: 'error',
        },
      },
    );
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let text = '';
        child.stdout?.on('data', (d: Buffer) => {
          text += d;
          const m = /\{"port":(\d+)\}/.exec(text);
          if (m) resolve(Number(m[1]));
        });
        child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening`)));
      });
      const get = () =>
        new Promise<void>((resolve, reject) => {
          http
            .get({ host: '127.0.0.1', port, agent: false }, (res) => res.resume().on('end', resolve))
            .on('error', reject);
        });
      await get(); // before the window: not recorded
      child.send('loop-start');
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 150; i++) {
        await get();
        // Spread over more than one batch delay, so the exporter sends while we record.
        if (i % 50 === 49) await new Promise((r) => setTimeout(r, 60));
      }
      await receiver.waitForSpans(150, { timeoutMs: 10_000 });
      child.send('loop-stop');
      const data = await waitForFile(out);
      expect(data.starts).toHaveLength(150);
      expect(data.ends).toHaveLength(150);
      for (let i = 0; i < 150; i++) expect(data.ends[i]).toBeGreaterThanOrEqual(data.starts[i]);
      // Each export: its send, its response and its close, each with the loop time it held.
      expect(data.calls.length).toBeGreaterThanOrEqual(3);
      for (const [t0, held] of data.calls) {
        expect(t0).toBeGreaterThan(0);
        expect(held).toBeGreaterThan(0);
      }
      const anatomy = latencyAnatomy(out);
      expect(anatomy.requests).toBe(150);
      expect(anatomy.exports.count).toBeGreaterThanOrEqual(1);
      expect(anatomy.p99Ms).toBeGreaterThan(0);
    } finally {
      child.kill();
    }
  });
});

async function waitForFile(file: string) {
  for (let i = 0; i < 100; i++) {
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${file} was not written`);
}
