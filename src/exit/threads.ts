import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Pipeline } from '../sdk/index.js';
import type { ResolvedConfig } from '../types.js';
import { learnedLimitReader, SharedLearnedLimit } from './learned-limit.js';
import { inWorkerThread } from './thread-channel.js';
import { ThreadHandoffProcessor } from './thread-handoff.js';
import { ThreadInbox } from './thread-inbox.js';

/**
 * One exporter per process: in a worker thread, the OTLP batch processors are replaced by a
 * hand-off to the main thread (they stay as the fallback when no traced main thread answers); in
 * the main thread, an inbox that puts what the workers hand over into the OTLP export queue.
 * Returns the processors to register.
 */
export function wireThreads(
  pipeline: Pipeline,
  config: ResolvedConfig,
): { processors: SpanProcessor[]; inbox: ThreadInbox | undefined } {
  const { exit } = pipeline;
  if (inWorkerThread()) {
    if (exit.otlp.length === 0) return { processors: pipeline.processors, inbox: undefined };
    // The limit the main thread learned before this thread started: this thread's own exporter
    // (used if it ends before the main thread answers) and its hand-off cut to it from the start.
    const learned = learnedLimitReader();
    const inherited = learned?.() || undefined;
    if (inherited !== undefined) exit.sizeLimit?.inherit(inherited);
    const own = new Set<SpanProcessor>(exit.otlp);
    const processors = pipeline.processors.filter((p) => !own.has(p));
    processors.push(
      new ThreadHandoffProcessor(exit.otlp, {
        keepMax: config.batch.maxQueueSize,
        // As much as the export queue holds, and two full requests: the channel is drained into it.
        maxInFlightSpans: config.batch.maxQueueSize,
        maxInFlightBytes: Math.min(2 * config.maxExportRequestBytes, 2 ** 30),
        maxRequestBytes: config.maxExportRequestBytes,
        ...(inherited === undefined ? {} : { learnedRequestBytes: inherited }),
        ...(learned === undefined ? {} : { learned }),
        onLost: (count, cause) => {
          pipeline.stats.dropped += count;
          pipeline.reporter.recordDrop(count, cause);
        },
        onLimit: (bytes) => exit.sizeLimit?.inherit(bytes),
        onStoppedLost: (count) => {
          pipeline.stats.dropped += count;
        },
      }),
    );
    return { processors, inbox: undefined };
  }
  if (exit.sizeLimit) {
    const shared = new SharedLearnedLimit(exit.sizeLimit);
    // Before the app's first `new Worker()`, when it traces its threads; else at its first Worker
    // (the threads started later get it), never loading worker_threads for an app without threads.
    if (config.tracesWorkerThreads) shared.share();
    else process.once('worker', () => shared.share());
  }
  const queue = exit.otlp[0];
  if (queue === undefined) return { processors: pipeline.processors, inbox: undefined };
  const inbox = new ThreadInbox(
    queue,
    pipeline.stats,
    pipeline.reporter,
    config.batch.maxQueueSize,
    exit.sizeLimit,
  );
  return { processors: pipeline.processors, inbox };
}
