#!/usr/bin/env node
// `npm test`: the whole suite, in the order a failure is cheapest to find.
// Static checks (types, lint, packaging) run once; `ACME_TEST_RUNTIME_ONLY=1` skips them when
// .ci/run repeats the suite on another Node version.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runtimeOnly = process.env.ACME_TEST_RUNTIME_ONLY === '1';
const extra = process.argv.slice(2);
// vitest's JSON report, read at the end for one plain `N passed, N failed` line.
const reportDir = mkdtempSync(join(tmpdir(), 'acme-otel-test-'));
const report = join(reportDir, 'vitest.json');

const steps = [
  ['build', 'npx', ['tsup', '--silent']],
  ...(runtimeOnly
    ? []
    : [
        ['typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
        ['lint', 'npx', ['biome', 'check', 'src', 'test', 'bench', 'examples', 'scripts']],
        ['package: publint', 'npx', ['publint', '--strict']],
        // Every profile, node10 included (typesVersions). dist/ was just built: the `npm pack` inside
        // attw skips `prepare` instead of building it again.
        ['package: attw', 'npx', ['attw', '--pack', '.'], { npm_config_ignore_scripts: 'true' }],
      ]),
  [
    'vitest',
    'npx',
    ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra],
    { ACME_OTEL_SKIP_BUILD: '1' },
  ],
];

for (const [name, cmd, args, env = {}] of steps) {
  const started = Date.now();
  console.log(`\n▶ ${name} (node ${process.version})`);
  const result = spawnSync(cmd, args, {
    stdio: 'inherit',
    env: { ...process.env, NPM_CONFIG_UPDATE_NOTIFIER: 'false', ...env },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (name === 'vitest') summarize();
  if (result.status !== 0) {
    console.error(`✖ ${name} failed after ${seconds} s (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
  console.log(`✔ ${name} (${seconds} s)`);
}
rmSync(reportDir, { recursive: true, force: true });

function summarize() {
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    console.log(
      `\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`,
    );
  } catch {
    console.log('\ntests: no vitest report was written');
  }
}
