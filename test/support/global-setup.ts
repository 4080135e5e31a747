// Vitest globalSetup: build dist/ once before any test file runs, because child-process tests
// start the built entry points (`node --require dist/register.cjs`, `dist/index.js`).
// Wire it in vitest.config.ts: `test: { globalSetup: ['test/support/global-setup.ts'] }`.
// ACME_OTEL_SKIP_BUILD=1 skips it when dist/ is known to be fresh.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { linkExamples } from '../../scripts/link-examples.mjs';

export function setup(): void {
  // The example services (own package.json) import `@acme/otel` through this link.
  linkExamples();
  if (process.env.ACME_OTEL_SKIP_BUILD === '1') return;
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(
    process.execPath,
    [fileURLToPath(new URL('../../node_modules/tsup/dist/cli-default.js', import.meta.url))],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}
