// Which @opentelemetry/api tracing uses (src/api/select.cts): the copy bundled in dist/api/ stands
// in for the application's where that is the same version and not loaded yet (its 47 files were
// ~22 ms of a service's start-up, bench/README.md); otherwise the application's own. Either way
// the process has one API module: the application and we see the same ROOT_CONTEXT and classes.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/child.js';

interface Seen {
  apiFiles: number;
  bundledCopy: number;
  sameRoot: boolean;
  sameProxyClass: boolean;
  recording: boolean;
}

const FIXTURE = join(repoRoot, 'test/fixtures/api-selection-app.cjs');

/** The fixture (or its copy at `app`) under `--require <dist>/register.cjs`, or the ES one under `--import`. */
function run(dist: string, env: Record<string, string> = {}, app = FIXTURE): Seen {
  const esm = app.endsWith('.mjs');
  const out = execFileSync(
    process.execPath,
    [esm ? '--import' : '--require', join(dist, esm ? 'register-esm.js' : 'register.cjs'), app],
    {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_NODE_RESOURCE_DETECTORS: 'none',
        ...env,
      },
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Seen;
}

const scratch = mkdtempSync(join(tmpdir(), 'acme-otel-api-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * An application (returns its folder) with ours and an @opentelemetry/api of another version than
 * the one we bundle: the fixture, our package.json and dist/ copied, that API copied with its
 * version changed, every other package linked to this repository's node_modules.
 */
function installWithApiVersion(version: string): string {
  const modules = join(scratch, 'node_modules');
  mkdirSync(modules);
  const repoModules = join(repoRoot, 'node_modules');
  for (const name of readdirSync(repoModules)) {
    if (name === '@opentelemetry' || name === '@acme' || name.startsWith('.')) continue;
    symlinkSync(join(repoModules, name), join(modules, name));
  }
  mkdirSync(join(modules, '@opentelemetry'), { recursive: true });
  for (const name of readdirSync(join(repoModules, '@opentelemetry'))) {
    if (name !== 'api')
      symlinkSync(join(repoModules, '@opentelemetry', name), join(modules, '@opentelemetry', name));
  }
  const api = join(modules, '@opentelemetry/api');
  cpSync(join(repoModules, '@opentelemetry/api'), api, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(api, 'package.json'), 'utf8')) as { version: string };
  writeFileSync(join(api, 'package.json'), JSON.stringify({ ...pkg, version }));
  const ours = join(modules, '@acme/otel');
  mkdirSync(ours, { recursive: true });
  cpSync(join(repoRoot, 'package.json'), join(ours, 'package.json'));
  cpSync(join(repoRoot, 'dist'), join(ours, 'dist'), { recursive: true });
  cpSync(FIXTURE, join(scratch, 'app.cjs'));
  cpSync(join(repoRoot, 'test/fixtures/api-selection-report.cjs'), join(scratch, 'api-selection-report.cjs'));
  return scratch;
}

describe('the @opentelemetry/api tracing uses', () => {
  const here = join(repoRoot, 'dist');

  it('is the bundled copy, under the application’s file, when that is the same version', () => {
    expect(run(here)).toEqual({
      apiFiles: 1,
      bundledCopy: 1,
      sameRoot: true,
      sameProxyClass: true,
      recording: true,
    });
  });

  it('is the bundled copy for an ES module application too (`--import`)', () => {
    const seen = run(here, {}, join(repoRoot, 'test/fixtures/api-selection-app.mjs'));
    expect(seen).toEqual({
      apiFiles: 1,
      bundledCopy: 1,
      sameRoot: true,
      sameProxyClass: true,
      recording: true,
    });
  });

  it('is the application’s own module when the application loaded it first', () => {
    const seen = run(here, { API_FIRST: '1' });
    expect(seen.apiFiles).toBeGreaterThan(20);
    expect(seen).toMatchObject({ bundledCopy: 0, sameRoot: true, sameProxyClass: true, recording: true });
  });

  it('is the application’s own module when it is another version', () => {
    const app = installWithApiVersion('1.9.999');
    const seen = run(join(app, 'node_modules/@acme/otel/dist'), {}, join(app, 'app.cjs'));
    expect(seen.apiFiles).toBeGreaterThan(20);
    expect(seen).toMatchObject({ bundledCopy: 0, sameRoot: true, sameProxyClass: true, recording: true });
  });
});
