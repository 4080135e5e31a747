// Who traces incoming HTTP is decided once, at start-up (src/instrumentations/http-server-channels.ts):
// our channel subscriber, or upstream's HttpInstrumentation whenever the config or the process
// needs what only upstream builds.
import { context, createNoopMeter, type MeterProvider, metrics } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AcmeContextManager } from '../../../src/context/context-manager.js';
import { incomingHttpIsOurs } from '../../../src/instrumentations/http-server-channels.js';

beforeEach(() => {
  context.setGlobalContextManager(new AcmeContextManager().enable());
});
afterEach(() => {
  context.disable();
  metrics.disable();
});

describe('incoming HTTP: ours or upstream', () => {
  it('ours by default', () => {
    expect(incomingHttpIsOurs({}, true)).toBe(true);
  });

  it('upstream with httpServerFastPath: false', () => {
    expect(incomingHttpIsOurs({}, false)).toBe(false);
  });

  it.each([
    ['a start-span hook', { startIncomingSpanHook: () => ({}) }],
    ['requireParentforIncomingSpans', { requireParentforIncomingSpans: true }],
    ['synthetic-source detection', { enableSyntheticSourceDetection: true }],
    ['request header capture', { headersToSpanAttributes: { server: { requestHeaders: ['x-id'] } } }],
    ['response header capture', { headersToSpanAttributes: { server: { responseHeaders: ['x-id'] } } }],
  ])('upstream when the config asks for %s', (_what, config) => {
    expect(incomingHttpIsOurs(config, true)).toBe(false);
  });

  it('client-only header capture stays ours', () => {
    expect(
      incomingHttpIsOurs({ headersToSpanAttributes: { client: { requestHeaders: ['x-id'] } } }, true),
    ).toBe(true);
  });

  it('upstream when a MeterProvider is registered (its http.server.request.duration histogram)', () => {
    // Any registered provider: its meters are not the API's no-op one.
    const provider: MeterProvider = { getMeter: () => Object.create(createNoopMeter()) };
    metrics.setGlobalMeterProvider(provider);
    expect(incomingHttpIsOurs({}, true)).toBe(false);
  });

  it('upstream when another context manager is registered (ours could not enter the request context)', () => {
    context.disable();
    expect(incomingHttpIsOurs({}, true)).toBe(false);
  });
});
