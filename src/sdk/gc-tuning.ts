import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { log } from '../diag/index.js';
import { timeWork } from '../export/index.js';
import { lazyRequire } from '../util/index.js';

const FLAG = 'allocation-site-pretenuring';

/** Whether the node command line sets `--[no-]allocation-site-pretenuring` itself (then we leave it). */
export function pretenuringSetOnCommandLine(execArgv: readonly string[] = process.execArgv): boolean {
  return execArgv.some((arg) => arg.replaceAll('_', '-').includes(FLAG));
}

/**
 * Turns V8's allocation-site pretenuring off for the process when the first recorded span starts
 * (`gcTuning`; the caller leaves it out when the command line decides the flag, see
 * {@link pretenuringSetOnCommandLine}). V8 flags are not allowed in NODE_OPTIONS, so
 * `v8.setFlagsFromString` is the only way a library or a container's environment can set it.
 *
 * Why: V8 decides per allocation site (an object or array literal) whether to allocate straight
 * into the old generation, from how many of the site's objects survived recent scavenges. Under a
 * burst of concurrent requests, the objects of each traced request (the span's fields, its start
 * and end times, the request's event table) are alive at a scavenge often enough that V8 tenures
 * their sites, and keeps them tenured once the load drops. From then on every request's span is
 * born in the old generation and dies there: scavenges walk the old-to-new pointers of thousands
 * of dead spans and promote what they point to, and mark-compacts come every second or two. On
 * the bench server (Node 20, AlwaysOn, one connection after a burst) scavenges took about ten
 * times as long and p99 about doubled, throughput equal (figures: docs/performance.md).
 * The untraced server did not trip it. What the host loses: objects that really are long-lived
 * get copied once more through the young generation before promotion.
 *
 * Why at the first span and not in `initTracing`: `node:v8` loads Node's whole stream stack, a
 * measurable part of the register's start-up (A/B, docs/performance.md) in a process that has not
 * loaded it yet; by the first
 * span an application that serves requests has, and V8 has not yet seen the load it would
 * pretenure for. The SDK calls `onStart` for recorded spans only, which are the ones whose objects
 * V8 pretenured. Afterwards `onStart` is one flag test.
 */
export class GcTuningProcessor implements SpanProcessor {
  private _done = false;

  onStart(_span: Span, _parentContext: Context): void {
    if (this._done) return;
    this._done = true;
    try {
      timeWork('gc tuning', () =>
        (lazyRequire('node:v8') as typeof import('node:v8')).setFlagsFromString(`--no-${FLAG}`),
      );
    } catch (error) {
      log.debug(`could not turn V8 ${FLAG} off: ${(error as Error).message}`);
    }
  }
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
