import { context, propagation, trace } from '@opentelemetry/api';
import { resetLogger } from '../../src/diag/log.js';
import { getTracingHandle } from '../../src/sdk/init.js';

/** After a test that called initTracing: shut it down, free the OTel globals, reset our logger. */
export async function resetTracing(): Promise<void> {
  await getTracingHandle()?.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
  resetLogger();
}
