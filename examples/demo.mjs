#!/usr/bin/env node
// `npm run demo`: the three example services, a local OTLP/gRPC receiver, a few orders, and each
// trace drawn as a terminal waterfall. Needs no database, Redis or Docker: without DATABASE_URL /
// REDIS_URL user-service uses its embedded stand-ins (set them to see real pg / ioredis spans).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { linkExamples } from '../scripts/link-examples.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const WATCHDOG_MS = 50_000;
/** How every example service is started, from its own folder (see its README). */
const SERVICE_ARGS = ['--import', './src/tracing.mjs', 'src/server.mjs'];

/** The orders the demo sends, and what each must produce. */
const CASES = [
  {
    title: 'order succeeds',
    customerId: 'user-1',
    items: [{ sku: 'SKU-BOOK', quantity: 2 }],
    status: 201,
    services: 3,
  },
  {
    title: 'out of stock',
    customerId: 'user-2',
    items: [{ sku: 'SKU-RARE', quantity: 1 }],
    status: 409,
    services: 1,
  },
  {
    title: 'fraud suspected',
    customerId: 'user-1',
    items: [{ sku: 'SKU-WATCH', quantity: 1 }],
    status: 402,
    services: 3,
  },
  {
    title: 'unknown customer',
    customerId: 'user-404',
    items: [{ sku: 'SKU-BOOK', quantity: 1 }],
    status: 422,
    services: 2,
  },
  {
    title: 'caller did not sample (traceparent flags 00)',
    customerId: 'user-3',
    items: [{ sku: 'SKU-LAMP', quantity: 1 }],
    status: 201,
    services: 0,
    sampled: false,
  },
];

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
const failures = [];
const out = (/** @type {string} */ text = '') => process.stdout.write(`${text}\n`);

const watchdog = setTimeout(() => {
  process.stderr.write(`demo: still running after ${WATCHDOG_MS / 1000} s, giving up\n`);
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

ensureBuilt();
// The services have their own package.json (templates): point their `@acme/otel` at this repository.
linkExamples(root);
// Imported only now: the package resolves to dist/, which may just have been built.
const { fromOtlpSpan, renderWaterfall } = await import('@acme/otel');
const { startReceiver } = await import('../test/support/otlp-receiver.mjs');
// https://no-color.org; FORCE_COLOR for CI logs that render ANSI.
const color = process.env.NO_COLOR
  ? false
  : Boolean(process.env.FORCE_COLOR) || process.stdout.isTTY === true;

const receiver = await startReceiver({ host: '127.0.0.1', port: 0 });
out(`OTLP/gRPC receiver on ${receiver.endpoint}`);

const otelEnv = {
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
  OTEL_TRACES_EXPORTER: 'otlp',
  OTEL_BSP_SCHEDULE_DELAY: '100',
  OTEL_LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
  PORT: '0',
  // No load balancer to wait for: stop accepting at once on SIGTERM.
  SHUTDOWN_DELAY_MS: '0',
};
const [user, payment] = await Promise.all([
  startService('user-service', otelEnv),
  startService('payment-service', otelEnv),
]);
const order = await startService('order-service', {
  ...otelEnv,
  USER_SERVICE_URL: user.url,
  PAYMENT_SERVICE_URL: payment.url,
});
const services = [order, user, payment];
out(`services: ${services.map((s) => `${s.name} ${s.url}`).join(', ')}`);
await warmUp();
out();

const results = [];
for (const c of CASES) {
  const traceId = randomBytes(16).toString('hex');
  const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-${c.sampled === false ? '00' : '01'}`;
  const response = await fetch(`${order.url}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent },
    body: JSON.stringify({ customerId: c.customerId, items: c.items }),
  });
  const body = await response.json().catch(() => ({}));
  if (response.status !== c.status)
    failures.push(`${c.title}: expected HTTP ${c.status}, got ${response.status}`);
  results.push({ c, traceId, status: response.status, body });
}

// SIGTERM: each service finishes its work, flushes its spans and exits 0.
const exits = await Promise.all(services.map((s) => stop(s)));
for (const [i, code] of exits.entries()) {
  if (code !== 0) failures.push(`${services[i]?.name} exited with ${code} after SIGTERM`);
}

const traces = receiver.traces();
for (const [i, { c, traceId, status, body }] of results.entries()) {
  const spans = traces.get(traceId) ?? [];
  const items = c.items.map((item) => `${item.sku}×${item.quantity}`).join(', ');
  out(
    paint(
      '1',
      `── ${i + 1}/${results.length} ${c.title}: POST /orders customer=${c.customerId} items=${items} → ${status}${body?.error ? ` (${body.error})` : ''}`,
    ),
  );
  if (c.services === 0) {
    out(`   no spans anywhere (${spans.length} received): every service followed the caller's decision`);
    if (spans.length !== 0) failures.push(`${c.title}: expected no spans, got ${spans.length}`);
    out();
    continue;
  }
  const serviceNames = new Set(spans.map((s) => s.resource['service.name']));
  if (serviceNames.size !== c.services) {
    failures.push(
      `${c.title}: expected spans from ${c.services} services, got ${[...serviceNames].join(', ') || 'none'}`,
    );
  }
  out(renderWaterfall(spans.map(fromOtlpSpan), { color }).trimEnd());
  const logs = services.flatMap((s) =>
    s.logs.filter((line) => line.includes(traceId)).map((line) => `${s.name.padEnd(16)}${summarize(line)}`),
  );
  out(paint('2', `   ${logs.length} log line(s) carry trace_id ${traceId}:`));
  for (const line of logs) out(paint('2', `     ${line}`));
  out();
}

await receiver.stop();
const total = receiver.spans().length;
if (failures.length > 0) {
  out(paint('31', `demo FAILED:\n  ${failures.join('\n  ')}`));
  for (const s of services)
    if (s.stderr.trim()) process.stderr.write(`--- ${s.name} stderr ---\n${s.stderr}\n`);
  process.exit(1);
}
out(
  `demo finished: ${results.filter((r) => r.c.services > 0).length} traces, ${total} spans, ` +
    `${services.length} services stopped cleanly (exit 0)`,
);
process.exit(0);

// ---------------------------------------------------------------------------------------------

function ensureBuilt() {
  if (existsSync(join(root, 'dist', 'index.js'))) return;
  process.stderr.write('demo: dist/ is missing, building the library (npx tsup)...\n');
  const build = spawnSync('npx', ['tsup'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    shell: process.platform === 'win32',
  });
  if (build.status !== 0) {
    process.stderr.write(`demo: the build failed (exit ${build.status})\n`);
    process.exit(1);
  }
}

/**
 * Start a service the way its README says, `node --import ./src/tracing.mjs src/server.mjs` from
 * its folder (the preload is what instruments its ESM imports), on a free port, and wait for its
 * "listening on" line.
 * @param {string} name
 * @param {Record<string, string>} env
 */
function startService(name, env) {
  const child = spawn(process.execPath, SERVICE_ARGS, {
    cwd: join(root, 'examples', name),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const service = {
    name,
    child,
    url: '',
    logs: /** @type {string[]} */ ([]),
    stderr: '',
    exit: exitOf(child),
  };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    service.stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      service.logs.push(line);
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(line);
      if (match && !service.url) {
        service.url = match[1] ?? '';
        resolve(service);
      }
    });
    service.exit.then((code) =>
      reject(new Error(`${name} exited with ${code} before listening:\n${service.stderr}`)),
    );
  });
}

/**
 * One traced request per service, so each loads and connects its OTLP exporter before the orders
 * (the first export pays that one-off cost, which would otherwise skew the first trace's timings).
 */
async function warmUp() {
  const sampled = {
    'x-b3-traceid': randomBytes(16).toString('hex'),
    'x-b3-spanid': randomBytes(8).toString('hex'),
    'x-b3-sampled': '1',
  };
  await Promise.all([
    fetch(`${order.url}/orders/warm-up`).then((r) => r.arrayBuffer()),
    fetch(`${user.url}/users/warm-up`).then((r) => r.arrayBuffer()),
    fetch(`${payment.url}/payments`, { method: 'POST', headers: sampled }).then((r) => r.arrayBuffer()),
  ]);
  await Promise.all(
    services.map((s) =>
      receiver.waitForSpans((span) => span.resource['service.name'] === s.name, { timeoutMs: 15_000 }),
    ),
  );
  receiver.clear();
}

/** @param {import('node:child_process').ChildProcess} child */
function exitOf(child) {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}

/** @param {{ child: import('node:child_process').ChildProcess, exit: Promise<unknown> }} service */
async function stop(service) {
  service.child.kill('SIGTERM');
  const code = await service.exit;
  children.delete(service.child);
  return code;
}

/** One log line, shortened to its message: pino/winston JSON or the text format. */
function summarize(/** @type {string} */ line) {
  try {
    const record = JSON.parse(line);
    return `${record.msg ?? record.message}`;
  } catch {
    return line.replace(/^.*\] /, '');
  }
}

/** @param {string} code @param {string} text */
function paint(code, text) {
  return color ? `\u001b[${code}m${text}\u001b[0m` : text;
}
