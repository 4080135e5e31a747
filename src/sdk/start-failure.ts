import { log } from '../diag/log.js';

/** A register entry could not start tracing: said once, with its reason; the app runs untraced. */
export function reportStartFailure(flag: '--require' | '--import', error: unknown): false {
  const reason = error instanceof Error ? error.message : String(error);
  log.error(`${flag} @acme/otel/register could not start tracing: ${reason}; the application runs untraced`);
  return false;
}
