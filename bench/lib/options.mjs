// Command-line options for bench/run.mjs. One defaults object; --quick swaps in the short one.

export const GROUPS = [
  'startup',
  'throughput',
  'latency',
  'memory',
  'withspan',
  'encode',
  'outage',
  'scrub',
  'exit',
  'outgoing',
];

const FULL = {
  rounds: 5, // server configs, interleaved round-robin
  warmupSeconds: 2,
  throughputSeconds: 10,
  latencySeconds: 5,
  connections: 50,
  startupRuns: 40, // per variant, alternating
  withSpanPairs: 60, // interleaved A/B chunks
  withSpanChunk: 2000, // spans per timed chunk
  encodePairs: 40, // interleaved A/B chunks of 40 requests of 512 spans
  scrubRuns: 7, // fresh copies per adversarial 256 KB string (min taken)
  outageUpSeconds: 20,
  outageSeconds: 60,
  outageRecoverySeconds: 10,
  memorySeconds: 100, // per config under load (the untraced young generation reaches V8's maximum in ~70 s)
  exitRuns: 15, // fresh processes per exit case, interleaved
  outgoingRounds: 5, // fresh client processes per variant, alternating
  outgoingCalls: 8000, // calls per timed batch (three batches per process)
};

const QUICK = {
  rounds: 3,
  warmupSeconds: 1,
  throughputSeconds: 4,
  latencySeconds: 3,
  connections: 50,
  startupRuns: 20,
  withSpanPairs: 30,
  withSpanChunk: 2000,
  encodePairs: 20,
  scrubRuns: 5,
  outageUpSeconds: 8,
  outageSeconds: 10,
  outageRecoverySeconds: 4,
  memorySeconds: 20,
  exitRuns: 5,
  outgoingRounds: 3,
  outgoingCalls: 4000,
};

const USAGE = `usage: node bench/run.mjs [--quick] [--only <group>[,<group>...]] [--configs <id>,...]
                          [--loadgen wrk|autocannon] [--receiver shared|builtin] [--receiver-sched idle|normal] [--no-pin] [--no-idle-poll] [--no-build] [--out <file>]
groups: ${GROUPS.join(', ')}`;

export function parseOptions(argv) {
  const opts = {
    quick: false,
    groups: [...GROUPS],
    configs: null,
    loadgen: null,
    receiver: null,
    // The receiver's scheduling class during the latency window (bench/lib/sched.mjs).
    receiverSched: 'idle',
    pin: true,
    idlePoll: true,
    build: true,
    out: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === '--quick') opts.quick = true;
    else if (arg === '--only') opts.groups = value().split(',');
    else if (arg === '--configs') opts.configs = value().split(',');
    else if (arg === '--loadgen') opts.loadgen = value();
    else if (arg === '--receiver') opts.receiver = value();
    else if (arg === '--receiver-sched') opts.receiverSched = value();
    else if (arg === '--no-pin') opts.pin = false;
    else if (arg === '--no-idle-poll') opts.idlePoll = false;
    else if (arg === '--no-build') opts.build = false;
    else if (arg === '--out') opts.out = value();
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  for (const g of opts.groups) {
    if (!GROUPS.includes(g)) throw new Error(`--only ${g}: unknown group (${GROUPS.join('|')})`);
  }
  if (opts.loadgen && !['wrk', 'autocannon'].includes(opts.loadgen))
    throw new Error(`--loadgen ${opts.loadgen}: wrk|autocannon`);
  if (opts.receiver && !['shared', 'builtin'].includes(opts.receiver))
    throw new Error(`--receiver ${opts.receiver}: shared|builtin`);
  if (!['idle', 'normal'].includes(opts.receiverSched))
    throw new Error(`--receiver-sched ${opts.receiverSched}: idle|normal`);
  return Object.freeze({ ...opts, ...(opts.quick ? QUICK : FULL) });
}
