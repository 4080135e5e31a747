#!/usr/bin/env node
// `npm test`: the whole suite, in the order a failure is cheapest to find.
// Static checks (types, lint, packaging) run once; `ACME_TEST_RUNTIME_ONLY=1` skips them when
// .ci/run repeats the suite on another Node version.
import { spawnSync } from 'node:child_process';

const runtimeOnly = process.env.ACME_TEST_RUNTIME_ONLY === '1';
const extra = process.argv.slice(2);

const steps = [
  ['build', 'npx', ['tsup', '--silent']],
  ...(runtimeOnly
    ? []
    : [
        ['typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
        ['lint', 'npx', ['biome', 'check', 'src', 'test', 'bench', 'examples', 'scripts']],
        ['package: publint', 'npx', ['publint', '--strict']],
        ['package: attw', 'npx', ['attw', '--pack', '.', '--profile', 'node16']],
      ]),
  ['vitest', 'npx', ['vitest', 'run', ...extra], { ACME_OTEL_SKIP_BUILD: '1' }],
];

for (const [name, cmd, args, env = {}] of steps) {
  const started = Date.now();
  console.log(`\n▶ ${name} (node ${process.version})`);
  const result = spawnSync(cmd, args, {
    stdio: 'inherit',
    env: { ...process.env, NPM_CONFIG_UPDATE_NOTIFIER: 'false', ...env },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`✖ ${name} failed after ${seconds} s (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
  console.log(`✔ ${name} (${seconds} s)`);
}
