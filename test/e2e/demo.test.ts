import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// `npm run demo` is what a newcomer runs first: it must work on a bare machine (no DATABASE_URL /
// REDIS_URL: the embedded stand-ins), finish quickly and exit 0.
const root = fileURLToPath(new URL('../..', import.meta.url));

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('OTEL_') || k.startsWith('ACME_OTEL_') || k === 'NODE_OPTIONS')
      continue;
    if (k === 'DATABASE_URL' || k === 'REDIS_URL' || k === 'FORCE_COLOR') continue;
    env[k] = v;
  }
  const started = Date.now();
  const child = spawn(process.execPath, ['examples/demo.mjs'], {
    cwd: root,
    env: { ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  // 'close', not 'exit': after 'exit' the last output may still be in the pipes (the demo's
  // services have pipes of their own, so nothing else holds these open).
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })),
  );
}

it('npm run demo prints a waterfall per order, correlated logs, and exits 0', {
  timeout: 90_000,
}, async () => {
  const { code, stdout, stderr, ms } = await runDemo();
  expect(code, `${stdout}\n${stderr}`).toBe(0);
  expect(ms).toBeLessThan(60_000);

  // one block per case, in order, with the HTTP outcome
  const headers = stdout.split('\n').filter((l) => l.startsWith('── '));
  expect(headers).toHaveLength(5);
  expect(headers[0]).toMatch(/order succeeds: .* → 201$/);
  expect(headers[1]).toMatch(/out of stock: .* → 409 \(Out of stock\)$/);
  expect(headers[2]).toMatch(/fraud suspected: .* → 402 \(Payment declined: fraud suspected/);
  expect(headers[3]).toMatch(/unknown customer: .* → 422 \(Customer user-404 not found\)$/);
  expect(headers[4]).toMatch(/traceparent flags 00.* → 201$/);

  // four waterfalls: 3, 1, 3 and 2 services; errors only where something failed
  const summaries = stdout.split('\n').filter((l) => /^trace [0-9a-f]{32} {2}/.test(l));
  expect(summaries).toHaveLength(4);
  expect(summaries[0]).toMatch(/· 3 services · [\d.]+ m?s$/);
  expect(summaries[1]).toMatch(/· 1 service · .* · 1 error$/);
  expect(summaries[2]).toMatch(/· 3 services · .* errors?$/);
  expect(summaries[3]).toMatch(/· 2 services · .* errors?$/);
  expect(stdout).toContain('no spans anywhere (0 received)');

  // rows: service, indented span name, offset, bar, duration, status, key attributes, events
  const row = (name: string) =>
    stdout.split('\n').find((l) => new RegExp(`^\\S+-service +[│├└ ]*${name} `).test(l));
  expect(row('POST /orders')).toMatch(
    /^order-service +POST \/orders +\+0\.00 ms +│█+ *│ +[\d.]+ m?s .*http\.route=\/orders/,
  );
  expect(row('create_order')).toMatch(
    /order\.id=ord-\w+ customer\.id=user-1 order\.item_count=2 ◆ payment_completed/,
  );
  expect(row('ProcessPayment')).toMatch(/^payment-service .*payment\.amount=50 /);
  expect(row('fraud_detection')).toMatch(/fraud\.detected=false/);
  expect(row('db\\.query')).toMatch(/^user-service .*db\.system=in-memory/);
  // express, imported as ESM, is instrumented through the services' --import preload; one row per
  // layer (express 5 with the router instrumentation on gave each layer a second span).
  expect(row('request handler')).toMatch(/^order-service .*http\.route=\/orders\s*$/);
  expect(row('middleware - jsonParser')).toMatch(/^order-service /);
  expect(stdout).not.toMatch(/middleware - patched|request handler - /);
  expect(stdout).toMatch(/ERROR {2}order\.id=ord-\w+ customer\.id=user-2 .*error="Out of stock"/);
  expect(stdout).toMatch(/ERROR {2}.*✖ FraudDetectedError: Payment declined/);
  expect(stdout).toMatch(/ERROR {2}user\.id=user-404 error="User not found"/);
  expect(stdout).not.toContain('\u001b['); // NO_COLOR

  // log lines from all three services, matched by trace id
  expect(stdout).toMatch(/4 log line\(s\) carry trace_id [0-9a-f]{32}:/);
  for (const line of [
    'order-service   order created',
    'user-service    user loaded',
    'payment-service payment txn_',
  ])
    expect(stdout).toContain(line);

  expect(stdout).toMatch(/demo finished: 4 traces, \d+ spans, 3 services stopped cleanly \(exit 0\)/);
});
