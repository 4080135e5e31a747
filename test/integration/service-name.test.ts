// README, Options: `serviceName` defaults to OTEL_SERVICE_NAME, then `service.name` in
// OTEL_RESOURCE_ATTRIBUTES, then the nearest package.json name, then `unknown_service:node`;
// `serviceVersion` to the package.json version. The first two are unit-tested
// (test/unit/config/precedence.test.ts); the package.json lookup starts from the app's own script,
// so it is tested here, with apps outside the repository, on the exported span's resource.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, spawnNode } from '../support/child.js';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';

let rx: OtlpReceiver;
const scratch = mkdtempSync(join(tmpdir(), 'acme-otel-service-name-'));
beforeAll(async () => {
  rx = await startReceiver({ port: 0 });
});
afterEach(() => rx.clear());
afterAll(async () => {
  await rx.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** An app in `dir` that starts tracing in code, ends one span and ends by itself (beforeExit flush). */
function writeApp(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const app = join(dir, 'app.cjs');
  writeFileSync(
    app,
    `const { initTracing } = require(${JSON.stringify(join(repoRoot, 'dist/index.cjs'))});
const tracing = initTracing({ instrumentations: false });
tracing.tracer.startSpan('job').end();
`,
  );
  return app;
}

/** No package.json from `dir` up to the root, or the fallback cannot be seen. */
function noPackageJsonAbove(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return false;
    if (d === parse(d).root) return true;
  }
}

async function resourceOf(app: string, cwd: string): Promise<Record<string, unknown>> {
  const child = spawnNode([app], { OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint }, cwd);
  const { code } = await child.exited;
  expect(code, child.output()).toBe(0);
  const spans = rx.spans();
  expect(spans.map((s) => s.name)).toEqual(['job']);
  return spans[0]!.resource;
}

describe('service.name and service.version when neither code nor environment gives them', () => {
  it("the nearest package.json to the app's script: its name and version", async () => {
    const dir = join(scratch, 'with-package', 'src');
    mkdirSync(dirname(dir), { recursive: true });
    writeFileSync(join(dirname(dir), 'package.json'), JSON.stringify({ name: 'shop-api', version: '3.4.5' }));
    const resource = await resourceOf(writeApp(dir), scratch);
    expect(resource['service.name']).toBe('shop-api');
    expect(resource['service.version']).toBe('3.4.5');
  });

  it('no package.json anywhere above it: unknown_service:node, and no version', async () => {
    const dir = join(scratch, 'bare');
    const app = writeApp(dir);
    expect(noPackageJsonAbove(dir), `a package.json above ${dir} hides the fallback`).toBe(true);
    const resource = await resourceOf(app, dir);
    expect(resource['service.name']).toBe('unknown_service:node');
    expect(resource['service.version']).toBeUndefined();
  });
});
