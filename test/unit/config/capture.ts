import { afterEach, beforeEach } from 'vitest';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';

/** The env every test starts from: resource detectors off, so nothing probes the machine. */
export const base = { OTEL_NODE_RESOURCE_DETECTORS: 'none' };

/**
 * The warn lines logged during each test of the calling file; the logger (its warn-once memory
 * included) is reset around every test, so each test sees only its own warnings.
 */
export function captureWarnings(): string[] {
  const warnings: string[] = [];
  beforeEach(() => {
    resetLogger();
    warnings.length = 0;
    setLogSink((level, line) => {
      if (level === 'warn') warnings.push(line);
    });
  });
  afterEach(() => resetLogger());
  return warnings;
}
