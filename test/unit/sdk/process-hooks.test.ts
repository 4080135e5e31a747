import { afterEach, describe, expect, it } from 'vitest';
import { installProcessHooks, type ProcessHooks } from '../../../src/sdk/shutdown.js';

// Which signals tracing listens for (the flush itself is tested in real processes:
// test/integration/crash.test.ts). Those a tool owns must stay untouched: a listener for SIGPROF
// would take V8's CPU profiler's signal, one for SIGUSR1 Node's inspector's.
let hooks: ProcessHooks | undefined;
afterEach(() => {
  hooks?.dispose();
  hooks = undefined;
});

const install = () =>
  installProcessHooks({ shutdown: async () => {}, flush: async () => {}, timeoutMillis: 1000 });

describe.skipIf(process.platform === 'win32')('installProcessHooks', () => {
  const handled = [
    ...'SIGTERM SIGINT SIGHUP SIGUSR2 SIGQUIT SIGXCPU SIGALRM SIGVTALRM SIGIO'.split(' '),
    // Linux only.
    ...(process.platform === 'linux' ? ['SIGPWR', 'SIGSTKFLT'] : []),
  ];
  const left = 'SIGPROF SIGTRAP SIGUSR1 SIGSYS SIGABRT SIGPIPE SIGXFSZ SIGWINCH'.split(' ');

  it('listens for every signal whose default ends the process, and for none a tool owns', () => {
    const before = new Map([...handled, ...left].map((s) => [s, process.listenerCount(s)]));
    hooks = install();
    for (const s of handled) expect(process.listenerCount(s), s).toBe(before.get(s)! + 1);
    for (const s of left) expect(process.listenerCount(s), s).toBe(before.get(s));
    hooks.dispose();
    hooks = undefined;
    for (const s of handled) expect(process.listenerCount(s), s).toBe(before.get(s));
  });
});
