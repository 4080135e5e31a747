import { describeConfig } from '../config/index.js';
import type { EffectiveConfig, ResolvedConfig } from '../types.js';
import { cut } from '../util/quote.js';

/** Characters of each value the line shows. */
const MAX_SHOWN = 120;

/**
 * The line for an `initTracing()` call when tracing already runs: the first setup is kept, so each
 * setting this call gives differently is named with both values, shown as the config summary shows
 * them (header values and URL credentials redacted). A service that preloads the register and
 * also calls `initTracing({ sampleRatio: 0.1 })` was told only "keeping the first setup", and
 * sampled every trace.
 */
export function secondInitLine(running: EffectiveConfig, given: ResolvedConfig): string {
  const head =
    'initTracing() was called but tracing is already initialised in this process ' +
    '(e.g. --require @acme/otel/register plus initTracing(), or a second call); keeping the first setup';
  const wanted = describeConfig(given);
  const differ: string[] = [];
  for (const key of Object.keys(wanted) as (keyof EffectiveConfig)[]) {
    const value = shown(wanted[key]);
    const kept = shown(running[key]);
    if (value !== kept) differ.push(`${key} ${value} (running: ${kept})`);
  }
  return differ.length === 0 ? head : `${head}; not applied: ${differ.join(', ')}`;
}

function shown(value: unknown): string {
  return cut(JSON.stringify(value) ?? String(value), MAX_SHOWN);
}
