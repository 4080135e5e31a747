// A propagator given in code whose inject, extract or fields threw was logged at debug only:
// every trace it should carry broke without a word. Now one warning per step names it; the
// other propagators still run. Ours fail only when the carrier does: those stay at debug.
import { ROOT_CONTEXT, type TextMapPropagator, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { createPropagator } from '../../../src/propagation/index.js';

let lines: string[];
beforeEach(() => {
  lines = [];
  resetLogger();
  setLogSink((level, line) => lines.push(`${level} ${line}`));
});
afterEach(() => resetLogger());

class TenantPropagator implements TextMapPropagator {
  inject(): void {
    throw new Error('inject boom');
  }
  extract(): never {
    throw new Error('extract boom');
  }
  fields(): string[] {
    throw new Error('fields boom');
  }
}

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('a propagator given in code that throws', () => {
  it('is skipped, the others still run, and each step is said once', () => {
    const propagator = createPropagator([new TenantPropagator(), 'tracecontext']);
    for (let i = 0; i < 3; i++) {
      const ctx = propagator.extract(
        ROOT_CONTEXT,
        { traceparent: TRACEPARENT },
        {
          get: (c, k) => (c as Record<string, string>)[k],
          keys: (c) => Object.keys(c as object),
        },
      );
      expect(trace.getSpanContext(ctx)?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      const carrier: Record<string, string> = {};
      propagator.inject(ctx, carrier, { set: (c, k, v) => ((c as Record<string, string>)[k] = v) });
      expect(carrier.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-/);
      expect(propagator.fields()).toEqual(['traceparent', 'tracestate']);
    }
    const warned = lines.filter((l) => l.startsWith('warn '));
    expect(warned).toEqual([
      expect.stringMatching(
        /the propagator given in code, TenantPropagator extract, threw \(extract boom\): skipped, the other propagators still ran/,
      ),
      expect.stringMatching(/TenantPropagator inject, threw \(inject boom\)/),
      expect.stringMatching(/TenantPropagator fields, threw \(fields boom\)/),
    ]);
  });

  it('an object literal is named as a propagator', () => {
    const literal: TextMapPropagator = {
      inject() {
        throw new Error('x');
      },
      extract: (c) => c,
      fields: () => [],
    };
    createPropagator([literal]).inject(ROOT_CONTEXT, {}, { set() {} });
    expect(lines.filter((l) => l.startsWith('warn '))).toEqual([
      expect.stringMatching(/the propagator given in code, a propagator inject, threw \(x\)/),
    ]);
  });

  it('ours, failing on a carrier that throws: debug lines only', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    createPropagator(['tracecontext', 'baggage']).extract(ROOT_CONTEXT, proxy, {
      get: (c, k) => (c as Record<string, string>)[k],
      keys: (c) => Object.keys(c as object),
    });
    expect(lines.filter((l) => l.startsWith('warn '))).toEqual([]);
  });
});
