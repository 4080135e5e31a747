import { context, propagation, type Tracer, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { Env } from '../config/index.js';
import { describeConfig, resolveConfig, summaryLine } from '../config/index.js';
import { AcmeContextManager } from '../context/context-manager.js';
import { log, setOtelDiag } from '../diag/index.js';
import { installExitPath } from '../exit/exit-path.js';
import { exitTarget } from '../exit/exit-target.js';
import { watchHeap } from '../exit/heap-watch.js';
import { wireThreads } from '../exit/threads.js';
import {
  createdBefore,
  earlyLoadWarning,
  enableInstrumentations,
  esmLoaderInUse,
  findEarlyLoads,
  importStartingTracing,
} from '../instrumentations/index.js';
import { createPropagator } from '../propagation/index.js';
import {
  createSampler,
  keepRandomFlagOnUnrecordedSpans,
  PooledIdGenerator,
  setStartAttributesRead,
} from '../sampling/index.js';
import type { ExportStats, ResolvedConfig, TracingHandle, TracingOptions } from '../types.js';
import { runPendingStart } from './deferred-start.js';
import { installEsmLoaderHook, prepareEsmInstrumentation } from './esm-hooks.js';
import { pretenuringSetOnCommandLine } from './gc-tuning.js';
import { clearCurrentHandle, currentHandle, setCurrentHandle } from './handle-slot.js';
import { useLogSettings } from './log-settings.js';
import { permissionModelWarnings } from './permission-model.js';
import { createPipeline } from './pipeline.js';
import { createResource } from './resource.js';
import { secondInitLine } from './second-init.js';
import { flushWithin, installProcessHooks, timeBox } from './shutdown.js';
import { boundTracers } from './tracer-bound.js';
import { createWarmUp } from './warm-up.js';

/**
 * Build, register and return the tracing pipeline: resource, sampler, propagators, exporters,
 * lazy auto-instrumentation, and graceful shutdown on SIGTERM/SIGINT/SIGHUP/SIGUSR2/SIGQUIT (src/sdk/shutdown.ts lists them)/beforeExit.
 *
 * Precedence: `options` > `OTEL_*` environment > defaults. Throws {@link TracingConfigError} for
 * an invalid option; invalid environment values warn once and fall back.
 *
 * @example
 * import { initTracing } from '@acme/otel';
 * const tracing = initTracing({ serviceName: 'order-service', serviceVersion: '1.2.0', environment: 'production' });
 */
export function initTracing(options?: TracingOptions, env: Env = process.env): TracingHandle {
  // A register entry deferred its start (src/sdk/deferred-start.ts): it was first, so it wins.
  runPendingStart('initTracing() call');
  const existing = currentHandle();
  if (existing !== undefined) {
    // Validate anyway: a bad option is still a bug, even when it would not be used.
    log.warn(secondInitLine(existing.config, resolveConfig(options, env)));
    return existing;
  }
  const config = resolveConfig(options, env);
  useLogSettings(config);
  return startResolved(config);
}

/** Starts tracing from a config already resolved (and its warnings said): initTracing's second half. */
export function startResolved(config: ResolvedConfig): TracingHandle {
  const handle = config.disabled ? createDisabledHandle(config) : createActiveHandle(config);
  setCurrentHandle(handle);
  return handle;
}

/** The handle of the running setup, if any (a deferred register start runs now). */
export function getTracingHandle(): TracingHandle | undefined {
  runPendingStart('getTracingHandle() call');
  return currentHandle();
}

function createActiveHandle(config: ResolvedConfig): TracingHandle {
  setOtelDiag(config.logLevel);
  // gcTuning: a command line that decides the flag itself wins (src/sdk/gc-tuning.ts).
  const gcTuned = config.gcTuning && !pretenuringSetOnCommandLine();
  const pipeline = createPipeline(config, gcTuned);
  const { stats, reporter, exit } = pipeline;
  const { processors, inbox } = wireThreads(pipeline, config);
  const idGenerator = new PooledIdGenerator();
  const provider = new BasicTracerProvider({
    resource: createResource(config),
    idGenerator,
    sampler: createSampler(config, idGenerator),
    spanLimits: config.spanLimits,
    spanProcessors: processors,
  });
  // Before any tracer is handed out (instrumentations, handle.tracer, the global API). A named
  // parentbased_* sampler lets the children of unsampled spans skip the SDK's pass.
  const parentBased = typeof config.sampler === 'string' && config.sampler.startsWith('parentbased_');
  keepRandomFlagOnUnrecordedSpans(provider, parentBased ? idGenerator : undefined);
  boundTracers(provider);

  if (!trace.setGlobalTracerProvider(provider)) {
    log.warn(
      'another TracerProvider is already registered in this process (another SDK or distro?); ' +
        '@acme/otel will not replace it, and its spans go to that provider',
    );
    void provider.shutdown().catch(() => undefined);
    inbox?.close();
    return createPassiveHandle(config);
  }
  setStartAttributesRead(typeof config.sampler !== 'string' || config.spanProcessors.length > 0);
  const contextManager = new AcmeContextManager().enable();
  // Refused when another manager is registered: then that one propagates context, not ours.
  if (!context.setGlobalContextManager(contextManager)) contextManager.disable();
  propagation.setGlobalPropagator(createPropagator(config.propagators));
  let disableInstrumentations: () => void = () => undefined;
  if (config.esm) prepareEsmInstrumentation();
  const inactive = warnAboutEarlyLoads(config.instrumentations.names, config.nodeOptionsLoadsEsm);
  if (Array.isArray(config.exporters) && config.exporters.includes('otlp'))
    for (const line of permissionModelWarnings()) log.warn(line);
  try {
    disableInstrumentations = enableInstrumentations({
      names: config.instrumentations.names,
      custom: config.instrumentations.custom,
      tracerProvider: provider,
      ignoreIncomingPaths: config.ignoreIncomingPaths,
      httpServerFastPath: config.httpServerFastPath,
      httpWarmUp: createWarmUp(config, idGenerator),
    });
  } catch (error) {
    log.error(
      `auto-instrumentation could not be enabled: ${(error as Error).message}; manual spans still work`,
    );
  }
  // After enabling, when the modules the enabled instrumentations patch are known.
  if (config.esm) installEsmLoaderHook(import.meta.url);

  const tracer = provider.getTracer(config.serviceName ?? 'unknown_service:node', config.serviceVersion);
  let shutdownPromise: Promise<void> | undefined;
  // Always: it only observes (uncaughtExceptionMonitor, exit), and a crash loses spans whoever
  // owns the signals. Removed once shutdown() has exported everything.
  const exitPath = installExitPath({
    ...exit,
    target: () => exitTarget(config),
    timeoutMillis: config.shutdownTimeoutMillis,
    ...(inbox ? { drainThreads: () => inbox.drain() } : {}),
    onDelivered: (spans) => {
      stats.exported += spans;
    },
    report: () => reporter.shutdown(),
    exportTrouble: () => reporter.troubleCause(),
  });
  // Near the heap limit, spans go out within 100 ms of ending: running out of heap aborts the
  // process, and no exit path sends what waits.
  const heapWatch = watchHeap((urgent) => {
    for (const processor of [...exit.otlp, ...exit.others]) processor.setUrgent(urgent);
  });
  // A batch processor's last flush gave up at its bound (they give up inside our time boxes).
  const flushGaveUp = () => exit.otlp.some((p) => p.flushGaveUp) || exit.others.some((p) => p.flushGaveUp);
  const hooks = config.handleSignals
    ? installProcessHooks({
        shutdown: () => handle.shutdown(),
        flush: () => {
          exitPath.startBudget();
          return provider.forceFlush().finally(() => exitPath.startBudget(null));
        },
        flushGaveUp,
        // That flush had the exit's time (its processors give up a margin early, to count the
        // loss): the exit path does not try again in the margin, and names the export's trouble.
        onExitFlushGaveUp: () => exitPath.startBudget(Date.now() - config.shutdownTimeoutMillis),
        timeoutMillis: config.shutdownTimeoutMillis,
        onSignal: (signal, appOwnsExit) => {
          // The process ends once the flush is done: what is still open never ends by itself.
          if (!appOwnsExit) exitPath.endOpenSpans(`${signal} ended the process before the span ended`);
        },
        onForce: (signal, atEnd) =>
          exitPath.cutShort(
            atEnd
              ? `${signal} ended the process while the flush at its end waited, before they were sent`
              : `a second signal (${signal}) ended the process before they were sent`,
          ),
      })
    : undefined;

  const handle: TracingHandle = {
    tracer,
    config: describeConfig(config),
    getTracer: (name, version) => provider.getTracer(name, version),
    forceFlush: () =>
      flushWithin(() => provider.forceFlush(), config.shutdownTimeoutMillis, flushGaveUp, 'forceFlush'),
    shutdown() {
      shutdownPromise ??= (async () => {
        exitPath.startBudget();
        hooks?.dispose();
        heapWatch.dispose();
        try {
          disableInstrumentations();
        } catch {
          // Unpatching is best effort; the provider below is what must be shut down.
        }
        // Worker threads' spans are in the export queue the provider flushes.
        await timeBox(provider.shutdown(), config.shutdownTimeoutMillis, 'shutdown');
        inbox?.sync();
        reporter.shutdown();
        // Worker threads may still hand spans over until the process exits: the exit path sends those.
        // So may the open spans a signal ended past the queue's bound (exit-path.ts).
        exitPath.dispose(inbox?.opened === true || exitPath.holding);
        if (inbox && !inbox.opened) inbox.close();
        // Release the globals so the process (or a test) can initialise again.
        clearCurrentHandle(handle);
        trace.disable();
        context.disable();
        propagation.disable();
        setStartAttributesRead(true);
      })();
      return shutdownPromise;
    },
    stats: (): ExportStats => {
      inbox?.sync();
      return stats.snapshot();
    },
  };
  log.info(summaryLine(config, gcTuned, inactive), true);
  return handle;
}

/**
 * Say which instrumented modules were loaded before tracing could patch them (issue 21: they
 * silently produced no spans). Returns the instrumentations that cannot take effect for that reason.
 */
function warnAboutEarlyLoads(names: readonly string[], nodeOptionsLoadsEsm: boolean): readonly string[] {
  try {
    const early = findEarlyLoads(names, {
      esmLoader: esmLoaderInUse(),
      skip: createdBefore,
      nodeOptionsLoadsEsm,
      importing: importStartingTracing(),
    });
    const warning = earlyLoadWarning(early);
    if (warning !== undefined) log.warn(warning);
    return early.instrumentations;
  } catch (error) {
    log.debug(`could not check for modules loaded before tracing: ${(error as Error).message}`);
    return [];
  }
}

/** `OTEL_SDK_DISABLED=true`: nothing is registered; the API's no-op tracer is handed out. */
function createDisabledHandle(config: ResolvedConfig): TracingHandle {
  log.info('tracing is disabled (OTEL_SDK_DISABLED=true or disabled: true); no spans will be recorded', true);
  return createPassiveHandle(config);
}

function createPassiveHandle(config: ResolvedConfig): TracingHandle {
  const handle: TracingHandle = {
    tracer: trace.getTracer(config.serviceName ?? 'unknown_service:node', config.serviceVersion),
    config: describeConfig(config),
    getTracer: (name: string, version?: string): Tracer => trace.getTracer(name, version),
    forceFlush: () => Promise.resolve(),
    shutdown: () => {
      clearCurrentHandle(handle);
      return Promise.resolve();
    },
    stats: () => ({ exported: 0, dropped: 0, failed: 0, rejected: 0, retries: 0, truncated: 0 }),
  };
  return handle;
}
