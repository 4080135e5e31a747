// Issue 19: no span is lost when the process ends, whatever ends it, and Node's behaviour stays
// as it was. Each row of the README's "Shutdown and exit codes" table runs test/fixtures/crash-app.cjs
// twice, untraced and with `--require dist/register.cjs`, against a real OTLP/gRPC receiver: same
// exit status, same stdout, same stderr (less our `[@acme/otel]` lines and stack frames), and every
// span arrives. The batch delay is 10 minutes: only the exit path can have sent them.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/child.js';
import { type OtlpReceiver, type ReceivedSpan, startReceiver } from '../support/otlp-receiver.mjs';
import { countSpans } from '../support/otlp-span-count.mjs';
import { exitStatus, nodeStderr, type Run, type RunOptions, runNode } from '../support/run-pair.js';
import { useTestCerts } from '../support/test-certs.js';

let rx: OtlpReceiver;
beforeAll(async () => {
  rx = await startReceiver({ port: 0, http: true });
});
afterEach(() => {
  rx.setMode('ok');
  rx.clear();
});
afterAll(() => rx.stop());

const app = 'test/fixtures/crash-app.cjs';

async function both(
  crash: string,
  options: RunOptions & { app?: string } = {},
): Promise<{ untraced: Run; traced: Run }> {
  const script = options.app ?? app;
  const env = {
    CRASH: crash,
    OTEL_SERVICE_NAME: 'crash-app',
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
    OTEL_BSP_SCHEDULE_DELAY: '600000',
    ...options.env,
  };
  const untraced = await runNode(script, false, { ...options, env });
  const traced = await runNode(script, true, { ...options, env });
  return { untraced, traced };
}

function expectSameBehaviour({ untraced, traced }: { untraced: Run; traced: Run }, status: number): void {
  expect(exitStatus(untraced)).toBe(status);
  expect(exitStatus(traced)).toBe(status);
  expect(traced.stdout).toBe(untraced.stdout);
  expect(nodeStderr(traced.stderr)).toBe(nodeStderr(untraced.stderr));
  // Nothing was lost, so nothing is reported.
  expect(traced.stderr).not.toContain('lost at exit');
}

function named(name: string): ReceivedSpan {
  const span = rx.spans().find((s) => s.name === name);
  if (!span)
    throw new Error(
      `no span "${name}" among ${rx
        .spans()
        .map((s) => s.name)
        .join(', ')}`,
    );
  return span;
}

/** Linux, and a core file size limit of 0: SIGQUIT to the untraced run writes no core file. */
function noCoreFiles(): boolean {
  try {
    return /^Max core file size\s+0\s/m.test(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return false;
  }
}

function warmups(): number {
  return rx.spans().filter((s) => s.name.startsWith('warmup-')).length;
}

describe('a process that ends by itself flushes every span', () => {
  it('uncaught exception thrown through withSpan: exit 1, error spans exported', async () => {
    const runs = await both('uncaught');
    expectSameBehaviour(runs, 1);
    expect(runs.untraced.stderr).toContain('Error: boom');
    expect(rx.spans()).toHaveLength(7);
    for (const name of ['db', 'request']) {
      expect(named(name).status).toEqual({ code: 'ERROR', message: 'boom' });
      expect(named(name).events.map((e) => e.name)).toContain('exception');
    }
  });

  it('an uncaught error whose name and message getters throw: exit 1, every span exported', async () => {
    const runs = await both('hostileError');
    expectSameBehaviour(runs, 1);
    expect(rx.spans()).toHaveLength(7);
    expect(named('open').status).toEqual({
      code: 'ERROR',
      message: 'uncaught exception (its message could not be read)',
    });
    expect(named('request').status.code).toBe('ERROR');
  });

  for (const [mode, status] of [
    ['throw', 1],
    ['strict', 1],
    ['warn', 0],
    ['warn-with-error-code', 1],
    ['none', 0],
  ] as const) {
    it(`unhandled rejection with --unhandled-rejections=${mode}: exit ${status}`, async () => {
      const runs = await both('rejection', { flags: [`--unhandled-rejections=${mode}`] });
      expectSameBehaviour(runs, status);
      expect(warmups()).toBe(5);
      // Fatal: the rejection is the crash; otherwise the span was still open when the script ended.
      const fatal = status === 1 && mode !== 'warn-with-error-code';
      expect(named('request').status).toEqual({
        code: 'ERROR',
        message: fatal ? 'Error: rejected' : `the process exited (code ${status}) before the span ended`,
      });
      expect(named('request').events.map((e) => e.name)).toEqual(fatal ? ['exception'] : []);
    });
  }

  it("a rejection through withSpan: Node still points at the app's line, and the span has the stack", async () => {
    const runs = await both('rejectionThroughWithSpan');
    expectSameBehaviour(runs, 1);
    expect(runs.untraced.stderr).toMatch(/^.*crash-app\.cjs:\d+\n/);
    const request = named('request');
    expect(request.status).toEqual({ code: 'ERROR', message: 'rejected' });
    const stack = String(request.events[0]?.attributes['exception.stacktrace']);
    expect(stack).toMatch(/^Error: rejected\n {4}at .*crash-app\.cjs:\d+:\d+/);
  });

  it('… and one the app catches, under --abort-on-uncaught-exception: no abort', async () => {
    // Reading the stack unformatted throws inside V8's formatting, which this flag takes for uncaught.
    const runs = await both('caughtRejection', { flags: ['--abort-on-uncaught-exception'] });
    expectSameBehaviour(runs, 0);
    expect(runs.traced.stdout).toBe('caught: handled\n');
    const stack = String(named('request').events[0]?.attributes['exception.stacktrace']);
    expect(stack).toMatch(/^Error: handled\n {4}at .*crash-app\.cjs:\d+:\d+/);
  });

  it('process.exit(1) after a failed, recorded operation: open spans end with ERROR', async () => {
    const runs = await both('exit1');
    expectSameBehaviour(runs, 1);
    expect(runs.traced.stdout).not.toContain('must never print');
    expect(warmups()).toBe(5);
    expect(named('db.query').status).toEqual({ code: 'ERROR', message: 'connection refused' });
    expect(named('main').status).toEqual({
      code: 'ERROR',
      message: 'the process exited (code 1) before the span ended',
    });
  });

  it("process.reallyExit(4) called directly (no 'exit' event): exit 4, every span, the open one ended", async () => {
    const runs = await both('reallyExit');
    expectSameBehaviour(runs, 4);
    expect(warmups()).toBe(5);
    expect(named('db.query').status.code).toBe('UNSET');
    expect(named('main').status).toEqual({
      code: 'ERROR',
      message: 'the process exited (code 4) before the span ended',
    });
  });

  it('process.exit() inside an HTTP handler: the open server and client spans arrive', async () => {
    const runs = await both('httpExit');
    expectSameBehaviour(runs, 0);
    expect(named('db.query').status.code).toBe('UNSET');
    const server = rx.spans().find((s) => s.kind === 'SERVER');
    const client = rx.spans().find((s) => s.kind === 'CLIENT');
    expect(server?.status).toEqual({
      code: 'ERROR',
      message: 'the process exited (code 0) before the span ended',
    });
    expect(client?.status.code).toBe('ERROR');
    expect(named('db.query').parentSpanId).toBe(server?.spanId);
  });

  it('app SIGTERM handler with server.close(() => process.exit(0)): exit 0, every span', async () => {
    const runs = await both('appSigterm', { signal: 'SIGTERM' });
    expectSameBehaviour(runs, 0);
    expect(runs.traced.stdout).toContain('app SIGTERM handler');
    expect(warmups()).toBe(5);
    expect(rx.spans().filter((s) => s.name === 'handler')).toHaveLength(3);
    expect(rx.spans().filter((s) => s.kind === 'SERVER')).toHaveLength(3);
  });

  it("express, 3 requests then an async throw: the crashing request's server span has ERROR and the exception", async () => {
    const runs = await both('express');
    expectSameBehaviour(runs, 1);
    expect(runs.untraced.stderr).toContain('Error: express boom');
    const servers = rx.spans().filter((s) => s.kind === 'SERVER');
    expect(servers).toHaveLength(4);
    const crashed = servers.filter((s) => s.status.code === 'ERROR');
    expect(crashed).toHaveLength(1);
    expect(crashed[0]?.status.message).toBe('Error: express boom');
    const exception = crashed[0]?.events.find((e) => e.name === 'exception');
    expect(exception?.attributes['exception.message']).toBe('express boom');
    expect(String(exception?.attributes['exception.stacktrace'])).toContain('crash-app.cjs');
  });

  // Our uncaughtExceptionMonitor listener ends the request's span with the error, and it read
  // `error.message` unguarded: Node then exited with 7, printing our TypeError (or the getter's
  // error) instead of the app's throw (exit 1 untraced).
  for (const thrown of ['null', 'a revoked Proxy', 'an error whose message getter throws']) {
    it(`a 'request' listener that throws ${thrown}: exit 1 as untraced, the server span ends with ERROR`, async () => {
      const runs = await both('requestThrows', { env: { THROWN: thrown } });
      expectSameBehaviour(runs, 1);
      const servers = rx.spans().filter((s) => s.kind === 'SERVER');
      expect(servers).toHaveLength(1);
      expect(servers[0]?.status.code).toBe('ERROR');
    });
  }

  it("an app's own uncaughtException listener keeps the process alive: the error is only recorded", async () => {
    const runs = await both('survive');
    expectSameBehaviour(runs, 0);
    expect(runs.traced.stdout).toContain('handled: survived');
    const job = named('job');
    expect(job.status.code).toBe('UNSET');
    expect(job.events.map((e) => e.name)).toEqual(['exception']);
    expect(job.events[0]?.attributes['exception.message']).toBe('survived');
  });

  it("… and one that throws: Node's exit 7 (no 'exit' event), every span, the crash on the open span", async () => {
    const runs = await both('listenerThrows');
    expectSameBehaviour(runs, 7);
    expect(runs.untraced.stderr).toContain('Error: handler failed: boom');
    expect(warmups()).toBe(5);
    const job = named('job');
    expect(job.status).toEqual({ code: 'ERROR', message: 'Error: boom' });
    expect(job.events.map((e) => e.name)).toEqual(['exception']);
    expect(job.events[0]?.attributes['exception.message']).toBe('boom');
  });

  for (const scenario of ['listenerExits', 'captureExits'])
    it(`… and one that logs and calls process.exit(1) (${scenario}): the open span's status names the error`, async () => {
      const runs = await both(scenario);
      expectSameBehaviour(runs, 1);
      expect(runs.traced.stdout).toBe('fatal: boom\n');
      // It said "the process exited (code 1) before the span ended": the exit came from the
      // handler of that error, so the error is why the span did not end.
      expect(named('job').status).toEqual({ code: 'ERROR', message: 'Error: boom' });
      expect(named('job').events.map((e) => e.name)).toEqual(['exception']);
      expect(warmups()).toBe(5);
    });

  it('a capture callback keeps the process alive: the error is only recorded', async () => {
    const runs = await both('captureSurvives');
    expectSameBehaviour(runs, 0);
    expect(runs.traced.stdout).toContain('captured: survived');
    const job = named('job');
    expect(job.status.code).toBe('UNSET');
    expect(job.events.map((e) => e.name)).toEqual(['exception']);
  });

  for (const [scenario, printed] of [
    ['captureThrows', 'Error: capture failed: boom'],
    ['domainThrows', 'Error: domain handler failed: boom'],
  ] as const) {
    it(`… and one that throws (${scenario}): Node's exit 7, every span, the crash on the open span`, async () => {
      const runs = await both(scenario);
      expectSameBehaviour(runs, 7);
      expect(runs.untraced.stderr).toContain(printed);
      expect(warmups()).toBe(5);
      const job = named('job');
      expect(job.status).toEqual({ code: 'ERROR', message: 'Error: boom' });
      expect(job.events.map((e) => e.name)).toEqual(['exception']);
    });
  }

  it("… and one set on the app's first line, before tracing starts, that throws: every span", async () => {
    // The register entries start tracing when the app first needs it; wrapped only then, a
    // callback set before was not watched: exit 7 with no 'exit' event, 0 of 6 spans arrived.
    const runs = await both('', { app: 'test/fixtures/capture-early-app.cjs' });
    expectSameBehaviour(runs, 7);
    expect(runs.untraced.stderr).toContain('Error: the capture callback failed on: boom');
    expect(warmups()).toBe(5);
    expect(rx.spans().filter((s) => s.name === 'request')).toHaveLength(1);
    expect(runs.traced.stderr).not.toContain('set before tracing started');
  });

  it('running out of heap aborts the process as untraced; the spans of a leak up to then arrive', async () => {
    const runs = await both('heapExhausted', { flags: ['--max-old-space-size=64'], timeoutMs: 30_000 });
    for (const run of [runs.untraced, runs.traced]) {
      expect(run.signal, run.stderr.slice(-500)).toBe('SIGABRT');
      expect(run.stderr).toContain('JavaScript heap out of memory');
    }
    expect(warmups()).toBe(5);
    const ended = Number(/ended (\d+)\n$/.exec(runs.traced.stdout)?.[1]);
    expect(ended).toBeGreaterThan(50);
    // Within 100 ms of ending once the heap is near its limit: a crash loses the last few at most
    // (0 arrived before, with the batch delay of 10 minutes).
    const leaks = rx.spans().filter((s) => s.name === 'leak').length;
    expect(leaks).toBeGreaterThanOrEqual(ended * 0.8);
    expect(runs.traced.stderr).toMatch(/\[@acme\/otel\] the V8 heap holds [\d.]+ MiB of its 64\.0 MiB limit/);
  });

  it("a span that ends in an 'exit' listener that runs after ours: not sent, and said", async () => {
    const runs = await both('lateExitSpan');
    expectSameBehaviour(runs, 0);
    expect(warmups()).toBe(5);
    expect(rx.spans().map((s) => s.name)).not.toContain('in-exit');
    expect(runs.traced.stderr).toMatch(
      /\[@acme\/otel\] span "in-exit" \(trace [0-9a-f]{32}, span [0-9a-f]{16}\) ended after the exit flush had sent what was pending/,
    );
  });

  it('process.exit(2) in a worker thread: its open span says the thread exited, not the process', async () => {
    const runs = await both('threadExit', { env: { ACME_OTEL_WORKER_THREADS: 'true' } });
    expectSameBehaviour(runs, 0);
    expect(runs.traced.stdout).toBe('thread exit 2\n');
    expect(named('open-in-thread').status).toEqual({
      code: 'ERROR',
      message: 'the worker thread exited (code 2) before the span ended',
    });
  });

  it('natural end: exit 0', async () => {
    expectSameBehaviour(await both('natural'), 0);
    expect(warmups()).toBe(5);
  });

  it('process.exitCode = 3: exit 3', async () => {
    expectSameBehaviour(await both('exitCode3'), 3);
    expect(warmups()).toBe(5);
  });

  for (const [signal, status] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
    ['SIGHUP', 129],
    // nodemon's restart signal.
    ['SIGUSR2', 140],
    // The others whose default ends the process (src/sdk/shutdown.ts): Ctrl-\\ (its default also
    // writes a core file, so only where the limit for those is 0), an alarm, a power failure.
    ...(noCoreFiles() ? [['SIGQUIT', 131] as const] : []),
    ['SIGALRM', 142],
    ['SIGPWR', 158],
    // The rest of the README's row: a CPU-time limit's warning (a core file too, by default), a
    // virtual timer, I/O possible, a coprocessor stack fault.
    ...(noCoreFiles() ? [['SIGXCPU', 152] as const] : []),
    ['SIGVTALRM', 154],
    ['SIGIO', 157],
    ['SIGSTKFLT', 144],
  ] as const) {
    it(`${signal} without an app handler: exit ${status}, every span`, async () => {
      const runs = await both('serve', { signal });
      expect(runs.untraced.signal).toBe(signal);
      expectSameBehaviour(runs, status);
      expect(warmups()).toBe(5);
    });
  }

  for (const [signal, status] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)
    it(`${signal} with signal-exit loaded (its listener only observes): exit ${status} at once, every span`, async () => {
      // Each listener left the exit to the other: the traced process ignored the signal until SIGKILL.
      const runs = await both('signalExit', { signal, timeoutMs: 10_000 });
      expect(runs.untraced.signal).toBe(signal);
      expectSameBehaviour(runs, status);
      expect(runs.traced.stdout).toBe('ready\nonExit\n');
      expect(warmups()).toBe(5);
      expect(runs.traced.ms).toBeLessThan(5_000);
    });

  it('SIGTERM while the loop is blocked: untraced it dies at once; traced once the work is done, with its spans', async () => {
    // A JavaScript signal listener runs on the loop: the blocking work finishes first (README).
    const runs = await both('blockedAtSignal', { signal: 'SIGTERM' });
    expect(runs.untraced.signal).toBe('SIGTERM');
    expect(exitStatus(runs.traced)).toBe(143);
    expect(named('after-block').status.code).toBe('UNSET');
    expect(warmups()).toBe(5);
  });

  it('SIGHUP the app handles (a reload): the process goes on, and tracing with it', async () => {
    const runs = await both('appReload', { signal: 'SIGHUP' });
    expectSameBehaviour(runs, 0);
    expect(runs.traced.stdout).toBe('ready\nreloaded\nstill serving\n');
    expect(named('after-reload').status.code).toBe('UNSET');
  });

  it("SIGUSR2 with Node's own handler (--report-on-signal): the process goes on, as untraced", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acme-otel-report-'));
    try {
      const runs = await both('briefly', {
        signal: 'SIGUSR2',
        flags: ['--report-on-signal', `--report-directory=${dir}`],
      });
      expect(exitStatus(runs.untraced)).toBe(0);
      expect(exitStatus(runs.traced)).toBe(0);
      expect(runs.traced.stdout).toBe(runs.untraced.stdout);
      expect(runs.traced.stdout).toContain('ended by itself');
      // Node's own lines, less the report's file name (time and pid).
      const report = (stderr: string) => nodeStderr(stderr).replace(/report\.[\d.]+\.json/g, 'report.json');
      expect(report(runs.traced.stderr)).toBe(report(runs.untraced.stderr));
      expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(2); // one report each
      expect(rx.spans().filter((s) => s.name === 'tick').length).toBeGreaterThan(0);
      // Tracing went on after the signal (it was shut down on any signal before).
      expect(named('last').status.code).toBe('UNSET');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // The README names --heapsnapshot-signal beside --report-on-signal; a listener of ours that took
  // its signal as the end of the process would exit 140 instead of writing the snapshot.
  it("SIGUSR2 with Node's own handler (--heapsnapshot-signal): a snapshot, and the process goes on", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acme-otel-heapsnapshot-'));
    try {
      const runs = await both('briefly', {
        signal: 'SIGUSR2',
        flags: ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`],
      });
      expectSameBehaviour(runs, 0);
      expect(runs.traced.stdout).toContain('ended by itself');
      expect(readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot'))).toHaveLength(2); // one each
      expect(named('last').status.code).toBe('UNSET');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const exit of ['process.exit', 'natural'])
    it(`an exit listener of the app's, added before ours, that throws (${exit}): ours still runs`, async () => {
      const env = { EXIT: exit, OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint, OTEL_BSP_SCHEDULE_DELAY: '600000' };
      const fixture = 'test/fixtures/exit-listener-throws-app.cjs';
      const runs = {
        untraced: await runNode(fixture, false, { env }),
        traced: await runNode(fixture, true, { env }),
      };
      expectSameBehaviour(runs, exit === 'natural' ? 1 : 0);
      expect(runs.traced.stderr).toContain('Error: exit listener failed');
      expect(named('job').status.code).toBe('UNSET');
    });

  it('--abort-on-uncaught-exception still aborts', async () => {
    const runs = await both('uncaught', { flags: ['--abort-on-uncaught-exception'] });
    // SIGABRT, or SIGTRAP where V8 aborts with a trap instruction (this machine's x64 builds).
    expect(runs.untraced.signal).toMatch(/^SIG(ABRT|TRAP)$/);
    expect(runs.traced.signal).toBe(runs.untraced.signal);
    expect(nodeStderr(runs.traced.stderr)).toBe(nodeStderr(runs.untraced.stderr));
  });
});

describe('a second signal while the first one flushes to a hung collector', () => {
  it('exits at once, as untraced, and says what it did not send', async () => {
    rx.setMode('hang');
    const runs = await both('serve', { signal: 'SIGINT', againAfterMs: 300 });
    expect(exitStatus(runs.untraced)).toBe(130);
    expect(exitStatus(runs.traced)).toBe(130);
    expect(nodeStderr(runs.traced.stderr)).toBe(nodeStderr(runs.untraced.stderr));
    expect(runs.traced.stderr).toMatch(
      /^\[@acme\/otel\] [\d,]+ spans? (?:was|were) lost at exit: a second signal \(SIGINT\) ended the process before they were sent$/m,
    );
    // Not the 5 s shutdown timeout: the second Ctrl-C means now.
    expect(runs.traced.ms - runs.untraced.ms).toBeLessThan(2_500);
  });
});

describe('an error of the app while the flush after a signal waits on a hung collector', () => {
  it('ends the process as the signal would have (143, no stack), and says what it did not send', async () => {
    rx.setMode('hang');
    const runs = await both('serveThenThrow', {
      signal: 'SIGTERM',
      env: { ACME_OTEL_SHUTDOWN_TIMEOUT: '3000' },
    });
    expect(exitStatus(runs.untraced)).toBe(143);
    expect(exitStatus(runs.traced)).toBe(143);
    // Before: exit 1 and the timer's stack, which untraced never ran.
    expect(nodeStderr(runs.traced.stderr)).toBe(nodeStderr(runs.untraced.stderr));
    expect(runs.traced.stderr).not.toContain('a timer of the app');
    expect(runs.traced.stderr.split('\n').filter((line) => line.includes('lost at exit'))).toHaveLength(1);
  });
});

describe('… and with a capture callback of the app', () => {
  for (const capture of ['logs', 'exits', 'throws'])
    it(`one that ${capture}: as without it (143, no stack), and says what it did not send`, async () => {
      rx.setMode('hang');
      const runs = await both('captureServeThenThrow', {
        signal: 'SIGTERM',
        env: { ACME_OTEL_SHUTDOWN_TIMEOUT: '3000', CAPTURE: capture },
      });
      expect(exitStatus(runs.untraced)).toBe(143);
      expect(exitStatus(runs.traced)).toBe(143);
      expect(runs.traced.stdout).toBe(runs.untraced.stdout);
      expect(nodeStderr(runs.traced.stderr)).toBe(nodeStderr(runs.untraced.stderr));
      expect(runs.traced.stderr.split('\n').filter((line) => line.includes('lost at exit'))).toHaveLength(1);
    });

  it('one that exits, on a slow collector: 143, and the exit path still sends every span', async () => {
    rx.setMode({ delayMs: 1_500 });
    const runs = await both('captureServeThenThrow', {
      signal: 'SIGTERM',
      env: { ACME_OTEL_SHUTDOWN_TIMEOUT: '4000', CAPTURE: 'exits' },
    });
    expect(exitStatus(runs.traced)).toBe(143);
    expect(runs.traced.stdout).toBe(runs.untraced.stdout);
    expect(runs.traced.stderr).not.toContain('lost at exit');
    expect(warmups()).toBeGreaterThanOrEqual(5);
  });
});

describe('a signal while the exit path waits on a hung collector', () => {
  // README: "A signal while the exit path waits (after a crash or process.exit(), on a slow or hung
  // collector)": seen only when the wait ends, within shutdownTimeoutMillis; the loss line counts
  // what was not sent; the exit code is the crash's or process.exit()'s.
  for (const [crash, status, spans, protocol] of [
    ['exitThenSignal', 3, 7, 'grpc'],
    ['crashThenSignal', 1, 6, 'grpc'],
    ['exitThenSignal', 3, 7, 'http/protobuf'],
  ] as const)
    it(`${crash} (${protocol}): the exit code is untraced's, within the timeout, and one line counts all ${spans}`, async () => {
      rx.setMode('hang');
      const http =
        protocol === 'grpc'
          ? {}
          : {
              OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
              OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.httpPort}`,
            };
      const runs = await both(crash, {
        signal: 'SIGTERM',
        signalAfterMs: 500,
        env: { ACME_OTEL_SHUTDOWN_TIMEOUT: '3000', ...http },
      });
      expect(exitStatus(runs.untraced)).toBe(status);
      expect(exitStatus(runs.traced), runs.traced.stderr).toBe(status);
      expect(nodeStderr(runs.traced.stderr)).toBe(nodeStderr(runs.untraced.stderr));
      const lines = runs.traced.stderr.match(/^\[@acme\/otel\] .*lost at exit.*$/gm) ?? [];
      expect(lines).toHaveLength(1);
      // Within what was left of the 3 s box when the exit began (2999 ms after a millisecond's work, the
      // whole 3000 when it began within the millisecond the crash did).
      expect(lines[0], lines[0]).toMatch(
        new RegExp(
          `^\\[@acme/otel\\] ${spans} spans were lost at exit: the collector did not answer within (?:2\\d{3}|3000) ms$`,
        ),
      );
      // Generous: the bound is the 3 s timeout; start-up and the sender thread come on top.
      expect(runs.traced.ms - runs.untraced.ms).toBeLessThan(3_000 + 3_000);
    });
});

describe('a signal while the flush at the end of a script waits on a hung collector', () => {
  it('ends it at once with the exit code the script had, and says what it did not send', async () => {
    rx.setMode('hang');
    const runs = await both('endThenSignal', { signal: 'SIGINT' });
    // Untraced, the process is exiting as it prints 'ready': the signal may come first.
    expect([0, 130]).toContain(exitStatus(runs.untraced));
    expect(exitStatus(runs.traced)).toBe(0);
    expect(nodeStderr(runs.traced.stderr)).toBe(nodeStderr(runs.untraced.stderr));
    expect(runs.traced.stderr).toMatch(
      /^\[@acme\/otel\] 6 spans were lost at exit: SIGINT ended the process while the flush at its end waited, before they were sent$/m,
    );
    // Not the 5 s shutdown timeout: the script was done, the signal means now (it waited it out).
    expect(runs.traced.ms - runs.untraced.ms).toBeLessThan(2_500);
  });
});

describe('drops said before the process ends', () => {
  it('a script that overflows the queue and ends by itself says how many were dropped, and why', async () => {
    const runs = await both('burst', { env: { OTEL_BSP_MAX_QUEUE_SIZE: '100' } });
    expect(exitStatus(runs.traced)).toBe(0);
    expect(nodeStderr(runs.traced.stderr)).toBe(nodeStderr(runs.untraced.stderr));
    // Said as they happen: at the process's end, or also within its run when that lasted ~2 s or
    // more (a loaded machine), as "dropped N spans in the last 2 s: …". Together, every drop.
    const count = (text: string) => Number(text.replaceAll(',', ''));
    const said = [
      ...runs.traced.stderr.matchAll(
        /dropped ([\d,]+) spans(?: in the last [^:]*)?: export queue full \(overloaded: spans produced faster than they are exported/g,
      ),
    ];
    expect(said.length, runs.traced.stderr).toBeGreaterThan(0);
    const dropped = said.reduce((sum, m) => sum + count(m[1]!), 0);
    const exported = rx.spans().length;
    expect(dropped + exported).toBe(5005); // the burst and the 5 warm-up spans
    // Several lines are summed up at shutdown; one line that said it all is not repeated.
    const summary =
      /^\[@acme\/otel\] export summary at shutdown: ([\d,]+) spans dropped \(queue full\), ([\d,]+) spans exported; cause: overloaded: spans produced faster than they are exported/m.exec(
        runs.traced.stderr,
      );
    if (said.length === 1) expect(summary, runs.traced.stderr).toBeNull();
    else expect([count(summary![1]!), count(summary![2]!)]).toEqual([dropped, exported]);
  });

  it('… and one that then crashes counts what the exit sender delivered as exported', async () => {
    const runs = await both('burstThenCrash', { env: { OTEL_BSP_MAX_QUEUE_SIZE: '100' } });
    expect(exitStatus(runs.traced)).toBe(1);
    expect(nodeStderr(runs.traced.stderr)).toBe(nodeStderr(runs.untraced.stderr));
    const summary =
      /^\[@acme\/otel\] export summary at shutdown: ([\d,]+) spans dropped \(queue full\), ([\d,]+) spans? exported/m.exec(
        runs.traced.stderr,
      );
    expect(summary, runs.traced.stderr).not.toBeNull();
    const count = (text: string) => Number(text.replaceAll(',', ''));
    // It said "0 spans exported" while the exit sender had delivered the queue's 100.
    expect(rx.spans().length).toBeGreaterThan(0);
    // A request in flight at the crash is sent again by the exit path (at least once, docs/safety.md):
    // its spans may arrive twice, and are counted once.
    const delivered = new Set(rx.spans().map((s) => s.spanId)).size;
    expect(count(summary![2]!)).toBe(delivered);
    expect(count(summary![1]!) + count(summary![2]!)).toBe(5005);
    expect(runs.traced.stderr).not.toContain('lost at exit');
    // The two bursts' drops, each said in its line, add up to the summary's.
    const said = [
      ...runs.traced.stderr.matchAll(/dropped ([\d,]+) spans(?: in the last [^:]*)?: export queue full/g),
    ];
    expect(said).toHaveLength(2);
    expect(said.reduce((sum, m) => sum + count(m[1]!), 0)).toBe(count(summary![1]!));
  });
});

describe('spans past the open-span bound', () => {
  // Ended at exit, the spans still open went into the export queue, whose bound (maxQueueSize,
  // 4,096 by default) dropped the rest as "export queue full (overloaded: spans produced faster than
  // they are exported)". They are kept for the exit path instead.
  it('more spans open at exit than the export queue holds: every tracked one arrives, none dropped', async () => {
    const runs = await both('manyOpen');
    expect(exitStatus(runs.traced)).toBe(0);
    expect(runs.traced.stderr).not.toMatch(/dropped|queue full/);
    const names = rx.spans().map((s) => s.name);
    expect(names.filter((n) => n === 'open')).toHaveLength(16_384);
  });

  it('… and at SIGTERM: every one arrives, none dropped', async () => {
    const runs = await both('manyOpenServe', { signal: 'SIGTERM' });
    expect(exitStatus(runs.traced)).toBe(143);
    expect(runs.traced.stderr).not.toMatch(/dropped|queue full|lost/);
    expect(rx.spans().filter((s) => s.name === 'open')).toHaveLength(10_000);
  });

  it('only those still open at exit are counted lost; the rest arrive', async () => {
    const runs = await both('manyOpen', { env: { OTEL_BSP_MAX_QUEUE_SIZE: '20000' } });
    expect(exitStatus(runs.traced)).toBe(0);
    expect(nodeStderr(runs.traced.stderr)).toBe(nodeStderr(runs.untraced.stderr));
    expect(runs.traced.stderr).toMatch(
      /^\[@acme\/otel\] 2 spans were lost at exit: 2 were still open and could not be ended \(started while more than 16,384 were open, so not tracked\)$/m,
    );
    const names = rx.spans().map((s) => s.name);
    expect(names.filter((n) => n === 'open')).toHaveLength(16_384);
    expect(names.filter((n) => n.startsWith('past-')).sort()).toEqual(['past-0', 'past-1', 'past-2']);
  });
});

describe('the exit sender speaks the configured protocol', () => {
  it('OTLP http/protobuf: an uncaught exception still delivers every span', async () => {
    const runs = await both('uncaught', {
      env: {
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.httpPort}`,
      },
    });
    expectSameBehaviour(runs, 1);
    expect(rx.spans()).toHaveLength(7);
    expect(rx.metadata().every((m) => m['content-type'] === 'application/x-protobuf')).toBe(true);
  });
});

describe('the exit sender over OTLP/HTTPS behind a private CA', () => {
  const file = useTestCerts();
  it('an uncaught exception still delivers every span (the sender had no TLS settings)', async () => {
    let spans = 0;
    const server = https.createServer(
      { key: readFileSync(file('server.key')), cert: readFileSync(file('server.pem')) },
      (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          spans += countSpans(Buffer.concat(chunks));
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        });
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const env = {
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_ENDPOINT: `https://localhost:${(server.address() as AddressInfo).port}`,
        OTEL_EXPORTER_OTLP_CERTIFICATE: file('ca.pem'),
      };
      const runs = await both('uncaught', { env });
      expectSameBehaviour(runs, 1);
      expect(spans).toBe(7);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('a collector that cannot take the spans does not hold the exit', () => {
  for (const [what, endpoint] of [
    ['hung', undefined],
    ['unreachable', 'http://127.0.0.1:9'],
  ] as const) {
    it(`${what} collector: exit within the timeout, the loss is counted on stderr`, async () => {
      if (endpoint === undefined) rx.setMode('hang');
      const env = {
        ACME_OTEL_SHUTDOWN_TIMEOUT: '1000',
        ...(endpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } : {}),
      };
      const runs = await both('uncaught', { env });
      expect(exitStatus(runs.traced)).toBe(1);
      expect(nodeStderr(runs.traced.stderr)).toBe(nodeStderr(runs.untraced.stderr));
      expect(runs.traced.stderr).toMatch(/^\[@acme\/otel\] 7 spans were lost at exit: /m);
      // The cause, as the exporter names it: not "gRPC status 14 UNAVAILABLE" for a refused connection.
      expect(runs.traced.stderr).toContain(
        endpoint
          ? 'collector unreachable at http://127.0.0.1:9: ECONNREFUSED'
          : 'the collector did not answer within',
      );
      // Generous: the bound is the 1 s timeout; start-up and the sender thread come on top.
      expect(runs.traced.ms - runs.untraced.ms).toBeLessThan(3_000);
    });
  }
});

describe('an exit sender that cannot be loaded', () => {
  // A bundle of @acme/otel (README, Bundlers: "bundling @acme/otel itself") looks for
  // exit-sender.cjs beside itself. Missing, the thread failed to load after it was started, which
  // the main thread, blocked in Atomics.wait, never learns: the exit waited out the whole
  // shutdownTimeoutMillis and blamed the collector ("the collector did not answer within 8000 ms").
  it('is said at once, naming the missing file, and the exit does not wait', async () => {
    const dir = mkdtempSync(join(repoRoot, '.tmp-no-sender-'));
    try {
      cpSync(join(repoRoot, 'dist'), join(dir, 'dist'), {
        recursive: true,
        filter: (from) => !/exit-sender\.|\.map$|\.d\.c?ts$/.test(from),
      });
      writeFileSync(
        join(dir, 'app.cjs'),
        `require('./dist/register.cjs');
        const { withSpan } = require('./dist/index.cjs');
        withSpan('request', () => undefined);
        setTimeout(() => { throw new Error('boom'); }, 5);`,
      );
      const run = await runNode(join(dir, 'app.cjs'), false, {
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
          OTEL_BSP_SCHEDULE_DELAY: '600000',
          ACME_OTEL_SHUTDOWN_TIMEOUT: '8000',
        },
      });
      expect(exitStatus(run)).toBe(1);
      expect(run.stderr).toMatch(
        /^\[@acme\/otel\] 1 span was lost at exit: the exit sender could not start \(.*exit-sender\.cjs is missing/m,
      );
      expect(run.stderr).not.toContain('did not answer');
      // Generous: the bound is that it did not wait out the 8 s.
      expect(run.ms).toBeLessThan(6_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a collector that fails a call at exit the way the export retries', () => {
  const viaHttp = {
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
  };
  const envFor = (protocol: 'grpc' | 'http/protobuf') =>
    protocol === 'grpc' ? {} : { ...viaHttp, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.httpPort}` };

  for (const protocol of ['grpc', 'http/protobuf'] as const)
    it(`one UNAVAILABLE / 503 (a collector restarting) is retried: every span arrives (${protocol})`, async () => {
      // The exit sender tried once: the 7 spans were "lost at exit" with 4.5 s of the box left,
      // while the same answer during a signal's flush or a script's natural end was retried.
      rx.setMode({ grpcStatus: { code: 14, message: 'restarting', times: 1 } });
      const runs = await both('uncaught', { env: envFor(protocol) });
      expectSameBehaviour(runs, 1);
      expect(rx.spans()).toHaveLength(7);
    });

  it('a 503 whose Retry-After is past the timeout: not waited, and the line says why', async () => {
    rx.setMode({ grpcStatus: { code: 14, message: 'busy', retryDelayMs: 3_600_000 } });
    const runs = await both('uncaught', {
      env: { ...envFor('http/protobuf'), ACME_OTEL_SHUTDOWN_TIMEOUT: '2000' },
    });
    expect(exitStatus(runs.traced)).toBe(1);
    expect(nodeStderr(runs.traced.stderr)).toBe(nodeStderr(runs.untraced.stderr));
    const lost = runs.traced.stderr.split('\n').filter((line) => line.includes('lost at exit'));
    expect(lost).toEqual([
      expect.stringMatching(
        /^\[@acme\/otel\] 7 spans were lost at exit: collector at http:\/\/127\.0\.0\.1:\d+\/v1\/traces rejecting exports \(HTTP 503: Service Unavailable: busy \(the collector is overloaded or restarting\); the collector asked to retry after 1 h or more, beyond the shutdown timeout \([\d.]+ s left of [\d.]+ s\)\)$/,
      ),
    ]);
    // Not waited for: well inside the 2 s box.
    expect(runs.traced.ms - runs.untraced.ms).toBeLessThan(1_500);
  });

  it('a collector that keeps answering 503: retried up to the timeout, then lost with its answer as the cause', async () => {
    rx.setMode('unavailable');
    const runs = await both('uncaught', {
      env: { ...envFor('http/protobuf'), ACME_OTEL_SHUTDOWN_TIMEOUT: '1000' },
    });
    expect(exitStatus(runs.traced)).toBe(1);
    expect(runs.traced.stderr).toMatch(
      /^\[@acme\/otel\] 7 spans were lost at exit: collector at http:\/\/127\.0\.0\.1:\d+\/v1\/traces rejecting exports \(HTTP 503: Service Unavailable: otlp-receiver: mode unavailable \(the collector is overloaded or restarting\)\)$/m,
    );
    // Tried again while the box lasted (it was tried once: 1 request).
    expect(rx.metadata().length).toBeGreaterThan(1);
    expect(runs.traced.ms - runs.untraced.ms).toBeLessThan(3_000);
  });
});

describe('a collector that rejects some of the spans sent at exit (partial success)', () => {
  for (const protocol of ['grpc', 'http/protobuf'] as const)
    it(`counts them lost, with its message (${protocol})`, async () => {
      rx.setMode({ partialSuccess: { rejectedSpans: 3, errorMessage: 'span attributes too long' } });
      const env =
        protocol === 'grpc'
          ? {}
          : {
              OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
              OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.httpPort}`,
            };
      const runs = await both('uncaught', { env });
      expect(exitStatus(runs.traced)).toBe(1);
      expect(nodeStderr(runs.traced.stderr)).toBe(nodeStderr(runs.untraced.stderr));
      expect(rx.spans()).toHaveLength(7); // all sent; the receiver says it kept 4
      // Said nowhere before: the exit sender counted every span of an OK answer delivered.
      const lost = runs.traced.stderr.split('\n').filter((line) => line.includes('lost at exit'));
      expect(lost).toEqual([
        expect.stringMatching(
          /^\[@acme\/otel\] 3 spans were lost at exit: collector at http:\/\/127\.0\.0\.1:\d+\S* rejected 3 spans \(partial success\): span attributes too long$/,
        ),
      ]);
    });
});
