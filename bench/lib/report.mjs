// Prints the results as plain-text tables: median (min–max) for every repeated figure.

const fmt = (x, d) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(d));
const range = (s, d) =>
  s && s.median !== null ? `${fmt(s.median, d)} (${fmt(s.min, d)}–${fmt(s.max, d)})` : '–';

/** The row's reason when it could not run at all: "not built yet", or its first start-up error. */
function unavailable(r) {
  if (r.missing) return r.missing;
  const n = r.rps?.n ?? r.p50Ms?.n ?? r.ms?.n;
  const error = r.errors?.[0] ?? r.error;
  return n === 0 && error
    ? `failed: ${error
        .split('\n')
        .find((l) => l.trim())
        .slice(0, 100)}`
    : null;
}

/** The row of a config that did not run (not built) or failed, `columns` wide. */
function notRun(r, columns) {
  return [r.label, r.missing ?? `ERROR ${r.error.split('\n')[0]}`, ...Array(columns - 2).fill('')];
}

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells
      .map((c, i) => String(c).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function printReport(results, print = console.log) {
  const { throughput, latency, memory, startup, withSpan, encode, outage, scrub, outgoing } = results;
  const o = results.options;
  print(
    `\n@acme/otel bench — ${results.date} — ${results.machine.cpuModel} × ${results.machine.cores}, Node ${results.machine.node}`,
  );
  print(
    `load generator: ${results.loadgen}; receiver: ${results.receiverKind}; pinned: ${results.pinned}; idle CPUs poll: ${results.idlePoll}${o.quick ? '; QUICK mode' : ''}`,
  );
  if (throughput) {
    print(
      `\nThroughput: ${results.loadgen} ${o.connections} connections, ${o.throughputSeconds} s after ${o.warmupSeconds} s warm-up, ${o.rounds} rounds interleaved; median (min–max)`,
    );
    print(
      table(
        [
          'config',
          'req/s',
          '÷ untraced',
          '÷ untraced (CPU)',
          'server CPU µs/req',
          'spans recv/req',
          'spans/export',
          'B/span',
          'receiver CPU µs/req',
          'RSS MB',
          `p99 ms at ${o.connections} connections`,
          'p99 ÷ untraced',
        ],
        Object.values(throughput).map((r) =>
          unavailable(r)
            ? [r.label, unavailable(r), '', '', '', '', '', '', '', '', '', '']
            : [
                r.label,
                range(r.rps, 0),
                range(r.ratioToUntraced, 2),
                range(r.cpuRatioToUntraced, 2),
                range(r.cpuUsPerReq, 1),
                fmt(r.spansPerReq.median, 2),
                fmt(r.spansPerExport.median, 0),
                fmt(r.bytesPerSpan.median, 0),
                fmt(r.receiverCpuUsPerReq.median, 1),
                fmt(r.rssMB.median, 0),
                r.p99Ms ? range(r.p99Ms, 2) : '–',
                r.p99RatioToUntraced ? range(r.p99RatioToUntraced, 2) : '–',
              ],
        ),
      ),
    );
  }
  if (latency) {
    print(`\nLatency at 1 connection: ${o.latencySeconds} s per round, ${o.rounds} rounds; median (min–max)`);
    print(
      table(
        [
          'config',
          'p50 ms',
          'p99 ms',
          'req/s @ c1',
          'loop delay p99 ms',
          'loop delay max ms',
          'loop delay max ms, start + warm-up (first export)',
          'host steal ms',
        ],
        Object.values(latency).map((r) =>
          unavailable(r)
            ? [r.label, unavailable(r), '', '', '', '', '', '']
            : [
                r.label,
                range(r.p50Ms, 3),
                range(r.p99Ms, 3),
                fmt(r.rpsAt1Connection.median, 0),
                r.loopDelayP99Ms ? range(r.loopDelayP99Ms, 2) : '-',
                r.loopDelayMaxMs ? range(r.loopDelayMaxMs, 1) : '-',
                r.warmLoopDelayMaxMs?.n ? range(r.warmLoopDelayMaxMs, 1) : '-',
                r.stealMs?.n ? range(r.stealMs, 0) : '-',
              ],
        ),
      ),
    );
  }
  if (startup) {
    print(`\nStart-up: wall time spawn→exit, ${o.startupRuns} alternating runs each; median (min–max)`);
    print(
      table(
        ['command', 'ms', 'Δ over bare node (same app)', 'CJS modules'],
        Object.values(startup).map((r) =>
          unavailable(r)
            ? [r.label, unavailable(r), '', '']
            : [r.label, range(r.ms, 1), fmt(r.deltaOverNodeMs, 1), r.cjsModules ?? '–'],
        ),
      ),
    );
  }
  if (outgoing) {
    print(
      `\nOutgoing HTTP calls: client CPU per keep-alive http.get() to an untraced local server, ${outgoing.inFlight} in flight, median of 3 batches of ${outgoing.calls} per process; median (min–max) over processes`,
    );
    print(
      table(
        ['config', 'CPU µs/call', 'added over untraced (paired per round)'],
        outgoing.variants.map((v) =>
          v.missing || (v.error && v.cpuUsPerCall.n === 0)
            ? [v.label, v.missing ?? `ERROR ${v.error.split('\n')[0]}`, '']
            : [v.label, range(v.cpuUsPerCall, 1), v.id === 'none' ? '–' : range(v.addedUsPerCall, 1)],
        ),
      ),
    );
  }
  if (withSpan) {
    print(
      `\nwithSpan micro cost: ${withSpan.pairs} interleaved pairs of ${withSpan.spansPerChunk}-span chunks (${withSpan.provider}); median (min–max)`,
    );
    print(
      table(
        ['variant', 'ns/op'],
        [
          ['tracer.startActiveSpan + end', range(withSpan.rawNsPerOp, 0)],
          ['withSpan', withSpan.missing ?? range(withSpan.withSpanNsPerOp, 0)],
          ['ratio withSpan ÷ raw', withSpan.missing ? '–' : range(withSpan.ratio, 3)],
        ],
      ),
    );
  }
  if (encode) {
    print(
      `\nOTLP encoding, ${encode.spansPerRequest} http server spans per request (request bytes: ours ${encode.bytes.ours}, upstream ${encode.bytes.upstream}); median (min–max)`,
    );
    print(
      table(
        ['variant', 'ns/span'],
        [
          ['upstream ProtobufTraceSerializer (at export)', range(encode.upstreamNsPerSpan, 0)],
          ['@acme/otel (at span end + concatenation)', range(encode.oursNsPerSpan, 0)],
          ['ratio ours ÷ upstream', range(encode.ratio, 3)],
        ],
      ),
    );
  }
  if (scrub) {
    print(`\nSecret scrubbing, ${scrub.bytes / 1024} KB strings, min of ${scrub.runs} (goal: worst ≤ 5 ms)`);
    print(
      table(
        ['input', 'ms'],
        [
          ...scrub.shapes.slice(0, 5).map((s) => [s.name, s.ms.toFixed(2)]),
          ['plain text', scrub.plainMs.toFixed(2)],
        ],
      ),
    );
  }
  if (memory) {
    print(
      `\nMemory under sustained load: ${o.connections} connections for ${o.memorySeconds} s per config; medians of the last third`,
    );
    print(
      table(
        [
          'config',
          'RSS MB',
          'Δ untraced',
          'young gen MB (since s)',
          'RSS less young gen',
          'Δ untraced',
          'heap MB',
          'external MB',
          'req/s',
        ],
        Object.values(memory).map((r) =>
          r.missing || r.error
            ? notRun(r, 9)
            : [
                r.label,
                fmt(r.rssMB, 1),
                fmt(r.rssOverUntracedMB, 1),
                `${fmt(r.youngGenMB, 1)} (${fmt(r.youngGenFinalAtSeconds, 1)})`,
                fmt(r.rssLessYoungGenMB, 1),
                fmt(r.rssLessYoungGenOverUntracedMB, 1),
                fmt(r.heapTotalMB, 1),
                fmt(r.externalMB, 1),
                r.rps,
              ],
        ),
      ),
    );
  }
  if (outage) {
    print(
      `\nCollector outage at full load: receiver killed for ${o.outageSeconds} s after ${o.outageUpSeconds} s up, then restarted`,
    );
    print(
      table(
        [
          'config',
          'steady RSS MB',
          'outage plateau MB',
          'Δ MB',
          'young gen MB',
          'Δ less young gen MB',
          'max MB',
          'last-⅓ growth MB',
          'still growing',
          'req/s up/outage/after',
        ],
        Object.values(outage).map((r) =>
          r.missing || r.error
            ? notRun(r, 10)
            : [
                r.label,
                fmt(r.steadyRssMB, 1),
                fmt(r.outagePlateauRssMB, 1),
                fmt(r.plateauDeltaMB, 1),
                `${fmt(r.steadyYoungGenMB, 0)} → ${fmt(r.outageYoungGenMB, 0)}`,
                fmt(r.plateauDeltaLessYoungGenMB, 1),
                fmt(r.outageMaxRssMB, 1),
                fmt(r.lastThirdGrowthMB, 1),
                r.stillGrowing ? 'yes' : 'no',
                `${r.rpsUp}/${r.rpsOutage}/${r.rpsRecovered}`,
              ],
        ),
      ),
    );
  }
}
