import { context, propagation, trace } from '@opentelemetry/api';
import { afterEach, beforeEach } from 'vitest';
import { AcmeContextManager } from '../../src/context/context-manager.js';
import { resetLogger, setLogSink } from '../../src/diag/log.js';
import { getTracingHandle } from '../../src/sdk/init.js';

/** After a test that called initTracing: shut it down, free the OTel globals, reset our logger. */
export async function resetTracing(): Promise<void> {
  await getTracingHandle()?.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
  resetLogger();
}

/** Before a test that calls initTracing: free the OTel globals, reset our logger, collect its lines. */
export function captureLogLines(): string[] {
  trace.disable();
  context.disable();
  propagation.disable();
  resetLogger();
  const lines: string[] = [];
  setLogSink((_level, line) => lines.push(line));
  return lines;
}

/**
 * Our context manager registered for each test of the file (and the globals freed after), for
 * tests of context propagation that do not start tracing.
 */
export function useAcmeContextManager(): void {
  beforeEach(() => {
    if (!context.setGlobalContextManager(new AcmeContextManager().enable()))
      throw new Error('another context manager is registered');
  });
  afterEach(() => context.disable());
}
