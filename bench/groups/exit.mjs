// Exit latency (issue 19): the time `process.exit(0)` spends in the tracing library's exit path,
// from the call to the last `exit` listener (bench/fixtures/exit-app.cjs), in a fresh process per
// run: nothing pending (spans already exported) against the untraced app; 4,096 pending spans to
// the live receiver; the same to an unreachable collector (connection refused) and to a hung one
// (accepts the connection, never answers), both bounded by ACME_OTEL_SHUTDOWN_TIMEOUT.
import { createServer } from 'node:net';
import path from 'node:path';
import { tracingEnv } from '../lib/configs.mjs';
import { distFile, FIXTURES, ROOT } from '../lib/paths.mjs';
import { CORE, firstJsonLine, start } from '../lib/proc.mjs';
import { summarize } from '../lib/stats.mjs';

const TIMEOUT_MS = 1000;
const PENDING = 4096;

export async function runExit(ctx) {
  const { opts, receiver, log } = ctx;
  const register = distFile('register.cjs');
  if (!register) return { missing: 'not built yet (dist/register.cjs missing)' };
  // A collector that accepts the TCP connection and never answers (not even the HTTP/2 preface).
  const hung = createServer(() => undefined);
  await new Promise((resolve) => hung.listen(0, '127.0.0.1', resolve));
  const hungEndpoint = `http://127.0.0.1:${hung.address().port}`;
  const cases = [
    { id: 'untraced', traced: false, spans: 0, endpoint: receiver.endpoint },
    { id: 'nothing-pending', traced: true, spans: 64, flushFirst: true, endpoint: receiver.endpoint },
    { id: 'pending-4096-live', traced: true, spans: PENDING, endpoint: receiver.endpoint },
    { id: 'pending-4096-unreachable', traced: true, spans: PENDING, endpoint: 'http://127.0.0.1:9' },
    { id: 'pending-4096-hung', traced: true, spans: PENDING, endpoint: hungEndpoint },
  ];
  const samples = Object.fromEntries(cases.map((c) => [c.id, []]));
  try {
    // Interleaved, so drift hits every case alike.
    for (let round = 0; round < opts.exitRuns; round++) {
      for (const c of cases) samples[c.id].push(await once(c, register, opts.pin));
    }
  } finally {
    hung.close();
  }
  const out = { runs: opts.exitRuns, timeoutMillis: TIMEOUT_MS, pending: PENDING, cases: {} };
  for (const c of cases) {
    out.cases[c.id] = summarize(samples[c.id]);
    const s = out.cases[c.id];
    log(`  ${c.id.padEnd(26)} exit ${s.median?.toFixed(1)} ms median, ${s.max?.toFixed(1)} ms max`);
  }
  return out;
}

async function once(c, register, pin) {
  const args = [...(c.traced ? ['--require', register] : []), path.join(FIXTURES, 'exit-app.cjs')];
  const child = start(process.execPath, args, {
    core: pin ? CORE.server : null,
    cwd: ROOT,
    env: tracingEnv(c.endpoint, {
      SPANS: String(c.spans),
      FLUSH_FIRST: c.flushFirst ? '1' : '0',
      OTEL_BSP_SCHEDULE_DELAY: '600000',
      OTEL_BSP_MAX_QUEUE_SIZE: String(2 * PENDING),
      ACME_OTEL_SHUTDOWN_TIMEOUT: String(TIMEOUT_MS),
      OTEL_LOG_LEVEL: 'error',
    }),
  });
  const r = await firstJsonLine(child, 60_000);
  await child.exited;
  return r.exitMs;
}
