// Loss reporting in real child processes against the real OTLP/gRPC receiver (issue #20, items 4
// and 5): spans a collector rejects with partial_success are counted and named; a refusing or hung
// collector is named (not blamed on load), promptly, with the count so far; the shutdown summary
// names the real cause, not "shutdown timed out".
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { printable } from '../../src/util/printable.js';
import { type Child, spawnNode } from '../support/child.js';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';
import { makeTestCerts } from '../support/test-certs.js';

let rx: OtlpReceiver;
beforeAll(async () => {
  rx = await startReceiver({ port: 0, http: true });
});
afterEach(() => {
  rx.setMode('ok');
  rx.clear();
});
afterAll(() => rx.stop());

const app = 'test/fixtures/export-loss-app.cjs';

interface Stats {
  ms: number;
  exported: number;
  dropped: number;
  failed: number;
  rejected: number;
  retries: number;
}

function lastStats(child: Child): Stats {
  const lines = child.output().match(/^STATS .*$/gm) ?? [];
  return JSON.parse(lines[lines.length - 1]!.slice(6)) as Stats;
}

const lines = (child: Child, re: RegExp) =>
  child
    .output()
    .split('\n')
    .filter((l) => re.test(l));

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Spawns the app, waits for `ready`; `at()` is the time since then. */
async function start(env: Record<string, string>) {
  const child = spawnNode([app], env);
  await child.waitForOutput('ready');
  const ready = Date.now();
  return { child, at: () => Date.now() - ready };
}

/** The app exporting over OTLP/HTTP to `server`, listening on loopback from now, with a shutdown timeout of 1 s. */
async function startHttpTo(server: Server): Promise<Child> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const { child } = await start({
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    ACME_OTEL_SHUTDOWN_TIMEOUT: '1000',
  });
  return child;
}

/** The app against the receiver over gRPC: `spansPerTick` spans a tick, a queue of `queue`, batches of 20. */
const load = (spansPerTick: number, queue: number) =>
  start({
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
    SPANS_PER_TICK: String(spansPerTick),
    QUEUE: String(queue),
    BATCH: '20',
  });

async function stop(child: Child) {
  child.proc.kill('SIGTERM');
  return (await child.exited).code;
}

/**
 * Waits (5 s at most) until more spans were rejected than the first report counted, so that the
 * summary at shutdown has something to say: with none (a signal right after the report, on a loaded
 * host) it rightly says nothing more. Returns what the report counted.
 */
async function rejectedSinceReport(child: Child): Promise<number> {
  await child.waitForOutput(/^STATS /m, 10_000);
  const reported = Number(/rejected ([\d,]+) spans/.exec(child.output())?.[1]?.replace(/,/g, ''));
  for (let waited = 0; lastStats(child).rejected <= reported && waited < 5_000; waited += 50)
    await new Promise((resolve) => setTimeout(resolve, 50));
  return reported;
}

/** A producer of small batches exporting over `protocol` to the receiver (partial_success rows). */
function startPartial(protocol: 'grpc' | 'http/protobuf') {
  return start({
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_EXPORTER_OTLP_ENDPOINT:
      protocol === 'grpc' ? rx.endpoint : rx.httpEndpoint!.replace('/v1/traces', ''),
    SPANS_PER_TICK: '2',
    QUEUE: '2048',
    BATCH: '20',
  });
}

describe('partial_success', () => {
  for (const protocol of ['grpc', 'http/protobuf'] as const) {
    it(`counts rejected spans as rejected, not exported, with the collector's message (${protocol})`, async () => {
      rx.setMode({ partialSuccess: { rejectedSpans: 'half', errorMessage: 'tenant quota exceeded' } });
      const { child } = await startPartial(protocol);
      await child.waitForOutput(/rejected [\d,]+ spans/, 10_000);
      await child.waitForOutput(/^STATS .*"ms":(1[5-9]\d\d|[2-9]\d\d\d)/m, 10_000);
      const reported = await rejectedSinceReport(child);
      const stats = lastStats(child);
      expect(stats.rejected).toBeGreaterThan(reported);
      expect(rx.requestCount).toBeGreaterThan(5);
      expect(stats.rejected).toBeGreaterThan(0);
      // Half of every request, rounded up: at least as many rejected as exported.
      expect(stats.rejected).toBeGreaterThanOrEqual(stats.exported);
      expect(stats.exported).toBeGreaterThan(0);
      expect(stats.failed).toBe(0);
      expect(await stop(child)).toBe(143);
      // One line per minute, not one per export call (upstream printed "Received Partial Success" each time).
      const reports = lines(
        child,
        /rejected [\d,]+ spans? in the last \d+ s \(partial success\): tenant quota exceeded$/,
      );
      expect(reports.length, child.output()).toBeGreaterThanOrEqual(1);
      expect(reports.length, child.output()).toBeLessThanOrEqual(2);
      expect(child.output()).not.toMatch(/Partial Success/);
      expect(child.output()).toMatch(
        /export summary at shutdown: [\d,]+ spans rejected by the collector, [\d,]+ spans exported; cause: collector at http:\/\/127\.0\.0\.1:\d+\S* rejecting spans: tenant quota exceeded/,
      );
    }, 20_000);
  }
});

describe('an endpoint of the other protocol is named as such', () => {
  // The commonest OTLP mistake: 4317 (gRPC) and 4318 (HTTP) swapped, https:// to a plaintext port.
  const cases = [
    {
      what: 'OTLP/gRPC to the OTLP/HTTP port',
      env: () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.httpPort}` }),
      hint: 'it does not answer HTTP/2 (OTLP/gRPC) there: an OTLP/HTTP port (4318 by default; OTLP/gRPC is 4317), or one that needs https://?',
    },
    {
      what: 'OTLP/HTTP to the OTLP/gRPC port',
      env: () => ({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint }),
      hint: 'it does not answer HTTP/1.1 (OTLP/HTTP) there: an OTLP/gRPC port (4317 by default; OTLP/HTTP is 4318), or one that needs https://?',
    },
    {
      what: 'OTLP/HTTP to a path nothing listens at (a per-signal endpoint without /v1/traces)',
      env: () => ({
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${rx.httpPort}/`,
      }),
      hint: 'nothing takes OTLP at that path: a Collector takes spans at /v1/traces, which is appended to OTEL_EXPORTER_OTLP_ENDPOINT but not to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as given)',
    },
    {
      what: 'https:// to a plaintext collector',
      env: () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint.replace('http:', 'https:') }),
      hint: 'it does not speak TLS there: for a plaintext collector use http://',
    },
  ];
  for (const { what, env, hint } of cases) {
    it(what, async () => {
      const { child } = await start({ ...env(), SPANS_PER_TICK: '2', QUEUE: '2048', BATCH: '20' });
      await child.waitForOutput(/(export failing|failed to export).*$/m, 10_000);
      expect(await stop(child)).toBe(143);
      const [line] = lines(child, /export failing|failed to export/);
      expect(line, child.output()).toContain(`; ${hint}`);
    }, 20_000);
  }
});

describe('a collector answering 503 over OTLP/HTTP', () => {
  it('is named as busy or restarting, not as an unknown retryable status', async () => {
    rx.setMode('unavailable');
    const { child } = await start({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_ENDPOINT: rx.httpEndpoint!.replace('/v1/traces', ''),
      // Each 503 reaches our retry line at once (upstream's delegate retried it itself, for up to
      // the export timeout, then said only that it gave up). Our own budget, 30 s, is not spent in
      // the test: whether its end finds a call in flight depends on the host's speed.
      OTEL_EXPORTER_OTLP_TIMEOUT: '500',
      SPANS_PER_TICK: '2',
      QUEUE: '2048',
      BATCH: '20',
    });
    const retrying = /export failing, retrying: .*$/m;
    await child.waitForOutput(retrying, 15_000);
    expect(await stop(child)).toBe(143);
    const [line] = lines(child, /export failing, retrying/);
    expect(line, child.output()).toContain(
      // With what the collector said (the test receiver answers text).
      'rejecting exports (HTTP 503: Service Unavailable: otlp-receiver: mode unavailable (the collector is overloaded or restarting))',
    );
  }, 25_000);
});

describe("a collector's message cannot forge or break our lines", () => {
  it('control characters in it are shown as escapes, each report one line', async () => {
    // A carriage return would overwrite our line on a terminal with the forged one; the escape
    // sequence would clear the screen.
    rx.setMode({
      partialSuccess: {
        rejectedSpans: 'half',
        errorMessage: 'quota\r[@acme/otel] all spans exported\u001b[2J\nx',
      },
    });
    const { child } = await load(2, 2048);
    await child.waitForOutput(/rejected [\d,]+ spans/, 10_000);
    expect(await stop(child)).toBe(143);
    const output = child.output();
    for (const line of output.split('\n')) expect(printable(line)).toBe(line); // nothing left to escape
    const reports = lines(child, /rejected [\d,]+ spans?/);
    expect(reports.length, output).toBeGreaterThanOrEqual(1);
    for (const line of reports) {
      expect(line).toMatch(/^\[@acme\/otel\] /);
      expect(line).toContain('quota\\r[@acme/otel] all spans exported\\x1b[2J\\nx');
    }
  }, 20_000);
});

describe("a collector's message with a secret and terminal sequences", () => {
  it.each(['grpc', 'http/protobuf'] as const)(
    'is scrubbed and escaped on every line, the summary too (%s)',
    async (protocol) => {
      // A collector (or a proxy) echoing the request's credentials back, with a title-setting OSC
      // sequence and a bell: neither the secret nor a raw control character reaches stderr.
      rx.setMode({
        partialSuccess: {
          rejectedSpans: 'half',
          errorMessage:
            'denied \u001b]0;owned\u0007 password=hunter2-canary for Authorization: Bearer sk_live_canary0123456789',
        },
      });
      const { child } = await startPartial(protocol);
      await child.waitForOutput(/rejected [\d,]+ spans/, 10_000);
      await rejectedSinceReport(child);
      expect(await stop(child)).toBe(143);
      const output = child.output();
      expect(output).not.toMatch(/hunter2|sk_live_canary/);
      for (const raw of ['\u001b', '\u0007']) expect(output).not.toContain(raw);
      expect(output).toContain('\\x1b]0;owned\\x07');
      expect(output).toMatch(/rejected [\d,]+ spans? in the last \d+ s \(partial success\): denied /);
      expect(output).toMatch(/export summary at shutdown: .*rejecting spans: denied /);
    },
    15_000,
  );
});

// A script that ends while its collector is down: the flush retried until the shutdown timeout,
// and the loss line blamed only the timeout ("the shutdown timeout (1000 ms) was used up"), then
// a held-back "export failing, retrying" line came after that verdict, as if it still retried.
describe('spans lost when the shutdown timeout runs out on retries', () => {
  it.each(['grpc', 'http/protobuf'])(
    'name what the retries failed on, and nothing retries after (%s)',
    async (protocol) => {
      const port = await closedPort();
      const child = spawnNode(
        [
          '--require',
          './dist/register.cjs',
          '-e',
          "const { withSpan } = require('./dist/index.cjs'); for (let i = 0; i < 3; i++) withSpan('job-' + i, () => {});",
        ],
        {
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
          ACME_OTEL_SHUTDOWN_TIMEOUT: '1500',
        },
      );
      expect((await child.exited).code).toBe(0);
      const output = child.output();
      expect(output).toMatch(
        /3 spans were lost at exit: the shutdown timeout \(1500 ms\) was used up while the export was failing: collector unreachable at \S+: ECONNREFUSED/,
      );
      const after = output.slice(output.indexOf('were lost at exit'));
      expect(after).not.toMatch(/retrying/);
    },
    20_000,
  );
});

describe('a loss is said once', () => {
  // A short job with the collector down said it twice: `flushing spans before exit did not finish
  // within 1000 ms; giving up …` then `2 spans were lost at exit: …` on its own end, and `failed to
  // export 2 spans …` then an `export summary at shutdown` repeating it on SIGTERM.
  const ours = (child: Child) => lines(child, /^\[@acme\/otel\]/);
  for (const protocol of ['grpc', 'http/protobuf'] as const) {
    for (const end of ['the script ends', 'SIGTERM'] as const) {
      it(`${end}, collector refusing (${protocol}): one line with the count and the cause`, async () => {
        const port = await closedPort();
        const child = spawnNode(['test/fixtures/short-loss-app.cjs'], {
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
          ACME_OTEL_SHUTDOWN_TIMEOUT: '1000',
          KEEP: end === 'SIGTERM' ? '1' : '0',
        });
        await child.waitForOutput('ready');
        if (end === 'SIGTERM') child.proc.kill('SIGTERM');
        expect((await child.exited).code).toBe(end === 'SIGTERM' ? 143 : 0);
        const said = ours(child);
        expect(said).toHaveLength(1);
        expect(said[0]).toMatch(/\b2 spans\b.*collector unreachable at \S+: ECONNREFUSED/);
      }, 20_000);
    }
  }
});

describe('drop reports name the cause, promptly', () => {
  // Over OTLP/HTTP, upstream's delegate retried a refused connection itself, for up to the export
  // timeout, without a word: the cause we named was "not answering: an export call has had no
  // answer for 4.8 s", at shutdown too, and no retry was counted.
  it.each(['grpc', 'http/protobuf'])(
    'an unreachable collector (%s): named with ECONNREFUSED within seconds, and in the shutdown summary',
    async (protocol) => {
      const port = await closedPort();
      const { child, at } = await start({
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        ACME_OTEL_SHUTDOWN_TIMEOUT: '1000',
      });
      await child.waitForOutput(
        /export failing, retrying: collector unreachable at \S+: ECONNREFUSED/,
        15_000,
      );
      // The first export is ~50 ms after ready; the issue measured 35.8 s for the first warning.
      expect(at()).toBeLessThan(10_000);
      await child.waitForOutput(/dropped [\d,]+ spans/, 15_000);
      expect(at()).toBeLessThan(10_000);
      // The first drop line carries the count so far, not "1 span".
      const [drop] = lines(child, /dropped [\d,]+ spans?/);
      expect(drop).toMatch(
        /dropped [\d,]+ spans in the last [1-5] s: export queue full \(collector unreachable at \S+: ECONNREFUSED/,
      );
      expect(Number(/dropped ([\d,]+)/.exec(drop!)![1]!.replaceAll(',', ''))).toBeGreaterThan(1);
      expect(await stop(child)).toBe(143);
      expect(child.output()).toMatch(
        /export summary at shutdown: .*; cause: collector unreachable at \S+: ECONNREFUSED/,
      );
      expect(child.output()).not.toMatch(/summary.*shutdown timed out/);
      expect(child.output()).not.toMatch(/spans produced faster/);
      expect(child.output()).not.toMatch(/not answering/);
      expect(lastStats(child).retries).toBeGreaterThan(0);
    },
    30_000,
  );

  it('a collector that resets every connection (OTLP/HTTP): named with ECONNRESET, not as a stall', async () => {
    const server = createServer((socket) => socket.resetAndDestroy());
    try {
      const child = await startHttpTo(server);
      await child.waitForOutput(/export failing, retrying: collector unreachable at \S+: ECONNRESET/, 15_000);
      expect(await stop(child)).toBe(143);
      expect(child.output()).toMatch(
        /export summary at shutdown: .*; cause: collector unreachable at \S+: ECONNRESET/,
      );
      expect(child.output()).not.toMatch(/not answering/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);

  // An http:// endpoint on a TLS port: the TLS server hangs up on the request, unanswered, and the
  // lines said only ECONNRESET, as for a collector that crashed. A reset after part of an answer (a
  // status line) is no TLS port: no hint there.
  it.each([
    ['a TLS port reached with http://', true],
    ['a server that sends a status line, then resets', false],
  ] as const)(
    '%s (OTLP/HTTP): ECONNRESET, the https:// hint only when no answer came; SIGTERM within the shutdown timeout',
    async (_what, tlsPort) => {
      const certs = makeTestCerts();
      const server = tlsPort
        ? tls
            .createServer({
              key: readFileSync(certs.file('server.key')),
              cert: readFileSync(certs.file('server.pem')),
            })
            .on('tlsClientError', () => {})
        : createServer((socket) => {
            socket.on('error', () => {});
            socket.once('data', () => {
              socket.write('HTTP/1.1 200 OK\r\n');
              setTimeout(() => socket.resetAndDestroy(), 20);
            });
          });
      try {
        const child = await startHttpTo(server);
        await child.waitForOutput(
          /export failing, retrying: collector unreachable at \S+: ECONNRESET.*$/m,
          15_000,
        );
        const signalled = Date.now();
        expect(await stop(child)).toBe(143);
        // 1 s of flush, and the slack shutdown.test.ts allows a loaded host.
        expect(Date.now() - signalled).toBeLessThan(4_000);
        const output = child.output();
        const [retrying] = lines(child, /export failing, retrying/);
        const [summary] = lines(
          child,
          /export summary at shutdown: .*; cause: collector unreachable at \S+: ECONNRESET/,
        );
        expect(summary, output).toBeDefined();
        for (const line of [retrying, summary]) {
          if (tlsPort)
            expect(line).toMatch(
              /: ECONNRESET \((ECONNRESET: socket hang up|read ECONNRESET): the connection closed before any HTTP answer\); if the collector's port speaks TLS, the endpoint should be https:\/\/$/,
            );
          else expect(line).toMatch(/: ECONNRESET \((ECONNRESET: socket hang up|read ECONNRESET)\)$/);
        }
        for (const line of output.split('\n')) expect(printable(line)).toBe(line);
      } finally {
        server.close();
        certs.remove();
      }
    },
    30_000,
  );

  it('a hung collector: "not answering", never blamed on load, within 5 s of the first loss', async () => {
    rx.setMode('hang');
    const { child, at } = await start({
      OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
      ACME_OTEL_SHUTDOWN_TIMEOUT: '1000',
    });
    await child.waitForOutput(/dropped [\d,]+ spans/, 15_000);
    // The queue (200) is full after ~0.3 s at 1,000 spans/s.
    expect(at()).toBeLessThan(5_000);
    const [drop] = lines(child, /dropped [\d,]+ spans?/);
    expect(drop).toMatch(/export queue full \(collector at http:\/\/127\.0\.0\.1:\d+ not answering/);
    // Named before the call's own 10 s timeout.
    await child.waitForOutput(
      /export stalled: collector at \S+ not answering: an export call has had no answer for/,
      10_000,
    );
    expect(at()).toBeLessThan(8_000);
    expect(await stop(child)).toBe(143);
    expect(child.output()).toMatch(/export summary at shutdown: .*; cause: collector at \S+ not answering/);
    expect(child.output()).not.toMatch(/spans produced faster/);
  }, 30_000);

  it('a collector that keeps up but spans come faster: overloaded by load', async () => {
    rx.setMode({ delayMs: 20 });
    const { child } = await load(100, 100);
    await child.waitForOutput(/dropped [\d,]+ spans/, 15_000);
    const [drop] = lines(child, /dropped [\d,]+ spans?/);
    expect(drop).toMatch(
      /export queue full \(overloaded: spans produced faster than they are exported to \S+\)/,
    );
    expect(lastStats(child).exported).toBeGreaterThan(0);
    expect(await stop(child)).toBe(143);
    expect(child.output()).toMatch(
      /export summary at shutdown: [\d,]+ spans dropped \(queue full\), .*; cause: overloaded/,
    );
  }, 30_000);
});
