// A propagator given in code whose inject, extract or fields threw was logged at debug only:
// every trace it should carry broke without a word. Now one warning per step names it; the
// other propagators still run. Ours fail only when the carrier does: those stay at debug.
import { ROOT_CONTEXT, type TextMapPropagator, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { createPropagator } from '../../../src/propagation/index.js';
import { unhandledRejections } from '../../support/unhandled.js';

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

  // What extract returns is used as the context of the request: `null`, a string or a Promise
  // threw out of the next step (node:http's callback: the process crashed), and the rejection of
  // an `async inject` or `async extract` went unhandled (exit 1 on Node's default settings).
  const getter = {
    get: (c: unknown, k: string) => (c as Record<string, string>)[k],
    keys: (c: unknown) => Object.keys(c as object),
  };
  const returning = (extract: () => unknown): TextMapPropagator =>
    ({ inject() {}, extract, fields: () => [] }) as unknown as TextMapPropagator;
  const rows: [string, TextMapPropagator, RegExp][] = [
    ['null', returning(() => null), /a propagator extract, threw \(it returned null, not a Context\)/],
    ['a string', returning(() => 'ctx'), /it returned a string, not a Context/],
    [
      'a Promise that rejects',
      returning(async () => {
        throw new Error('async extract boom');
      }),
      /it returned a Promise, not a Context/,
    ],
  ];
  for (const [what, given, said] of rows) {
    it(`extract returning ${what}: skipped, said once, the trace still extracted`, async () => {
      const propagator = createPropagator([given, 'tracecontext']);
      const unhandled = await unhandledRejections(() => {
        for (let i = 0; i < 2; i++) {
          const ctx = propagator.extract(ROOT_CONTEXT, { traceparent: TRACEPARENT }, getter);
          expect(trace.getSpanContext(ctx)?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
        }
      });
      expect(unhandled).toEqual([]);
      const warned = lines.filter((l) => l.startsWith('warn '));
      expect(warned).toEqual([expect.stringMatching(said)]);
    });
  }

  it('an async inject that rejects: said once, never left unhandled, the others still inject', async () => {
    const given = {
      async inject() {
        throw new Error('async inject boom');
      },
      extract: (c: unknown) => c,
      fields: () => [],
    } as unknown as TextMapPropagator;
    const propagator = createPropagator([given, 'tracecontext']);
    const ctx = propagator.extract(ROOT_CONTEXT, { traceparent: TRACEPARENT }, getter);
    const carriers: Record<string, string>[] = [];
    const unhandled = await unhandledRejections(() => {
      for (let i = 0; i < 2; i++) {
        const carrier: Record<string, string> = {};
        propagator.inject(ctx, carrier, { set: (c, k, v) => ((c as Record<string, string>)[k] = v) });
        carriers.push(carrier);
      }
    });
    expect(unhandled).toEqual([]);
    for (const carrier of carriers)
      expect(carrier.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-/);
    expect(lines.filter((l) => l.startsWith('warn '))).toEqual([
      expect.stringMatching(/a propagator inject, threw \(async inject boom\)/),
    ]);
  });
});
