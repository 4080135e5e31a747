import { context, propagation, trace } from '@opentelemetry/api';
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
