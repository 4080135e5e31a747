// Which Node runs import-in-the-middle's loader in-thread (module.registerHooks) rather than on the
// loader thread. The table is nodejs/node#59929's release lines; the last case checks ours against
// import-in-the-middle's own predicate on the Node running this test.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { supportsSyncLoaderHooks } from '../src/sync-hooks.js';

describe('supportsSyncLoaderHooks', () => {
  it.each([
    ['20.20.2', false],
    ['21.7.3', false],
    ['22.15.0', false],
    ['22.22.2', false],
    ['22.22.3', true],
    ['22.23.3', true],
    ['23.11.1', false],
    ['24.0.0', false],
    ['24.11.0', false],
    ['24.11.1', true],
    ['24.21.0', true],
    ['25.0.0', false],
    ['25.1.0', true],
    ['26.0.0', true],
    ['27.0.0-nightly2026', true],
  ])('Node %s → %s', (version, expected) => {
    expect(supportsSyncLoaderHooks(version)).toBe(expected);
  });

  it("agrees with import-in-the-middle's supportsSyncHooks() on this Node", async () => {
    const fromInstrumentation = createRequire(
      createRequire(import.meta.url).resolve('@opentelemetry/instrumentation'),
    );
    const iitm = (await import(
      fromInstrumentation.resolve('import-in-the-middle/supports-sync-hooks.mjs')
    )) as {
      supportsSyncHooks(): boolean;
    };
    expect(supportsSyncLoaderHooks()).toBe(iitm.supportsSyncHooks());
  });
});
